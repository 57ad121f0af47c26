namespace VoipKit.Media.Rtcp;

/// <summary>Round-trip time at the sender from a reception report (RFC 3550 6.4.1): A - LSR - DLSR.</summary>
public static class RtcpRoundTrip
{
    /// <summary>Computes the round-trip time from a report block about our stream.</summary>
    /// <param name="arrival">When the report arrived, in NTP short format (our clock, the one that stamped our SRs).</param>
    /// <param name="lastSenderReport">LSR from the block.</param>
    /// <param name="delaySinceLastSenderReport">DLSR from the block.</param>
    /// <param name="roundTrip">The round-trip time.</param>
    /// <returns>False when the block has no LSR (no SR received yet) or the result would be negative (clock trouble).</returns>
    public static bool TryCompute(uint arrival, uint lastSenderReport, uint delaySinceLastSenderReport, out TimeSpan roundTrip)
    {
        roundTrip = TimeSpan.Zero;
        if (lastSenderReport == 0)
        {
            return false;
        }

        // Modulo 2^32 arithmetic: NTP short format wraps every 18 hours.
        uint rtt = unchecked(arrival - lastSenderReport - delaySinceLastSenderReport);
        if ((int)rtt < 0)
        {
            return false;
        }

        roundTrip = NtpTimestamp.ShortFormatToTimeSpan(rtt);
        return true;
    }
}
