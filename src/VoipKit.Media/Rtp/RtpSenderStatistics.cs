using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Rtp;

/// <summary>
/// The send side of one RTP stream: packet and octet counts for sender reports, and the round-trip
/// time from the remote's report blocks about our stream. Not thread-safe.
/// </summary>
public sealed class RtpSenderStatistics
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the statistics.</summary>
    /// <param name="ssrc">Our SSRC.</param>
    /// <param name="timeProvider">The wall clock that stamps SRs and report arrivals.</param>
    public RtpSenderStatistics(uint ssrc, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Ssrc = ssrc;
        _timeProvider = timeProvider;
    }

    /// <summary>Our SSRC (change it with <see cref="Reset"/> after a collision).</summary>
    public uint Ssrc { get; private set; }

    /// <summary>RTP packets sent.</summary>
    public uint PacketCount { get; private set; }

    /// <summary>Payload octets sent.</summary>
    public uint OctetCount { get; private set; }

    /// <summary>The latest round-trip time, once a report with LSR has arrived.</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    /// <summary>The sum of all round-trip times measured (W3C totalRoundTripTime).</summary>
    public TimeSpan TotalRoundTripTime { get; private set; }

    /// <summary>How many round-trip times were measured.</summary>
    public long RoundTripTimeMeasurements { get; private set; }

    /// <summary>Report blocks about our stream received.</summary>
    public long ReportsReceived { get; private set; }

    /// <summary>The latest report block the remote sent about our stream.</summary>
    public RtcpReportBlock? LastRemoteReport { get; private set; }

    /// <summary>Counts a sent packet.</summary>
    /// <param name="payloadLength">Its payload length (header and padding excluded, RFC 3550 6.4.1).</param>
    public void OnPacketSent(int payloadLength)
    {
        PacketCount = unchecked(PacketCount + 1);
        OctetCount = unchecked(OctetCount + (uint)payloadLength);
    }

    /// <summary>Sender info for an SR sent now.</summary>
    /// <param name="rtpTimestamp">The RTP timestamp corresponding to now on the media clock.</param>
    public RtcpSenderInfo CreateSenderInfo(uint rtpTimestamp) =>
        new(NtpTimestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()), rtpTimestamp, PacketCount, OctetCount);

    /// <summary>Takes a report block from an incoming SR or RR; blocks about other sources are ignored.</summary>
    /// <param name="block">The block.</param>
    /// <returns>Whether the block was about our stream.</returns>
    public bool OnReportBlock(in RtcpReportBlock block)
    {
        if (block.Ssrc != Ssrc)
        {
            return false;
        }

        LastRemoteReport = block;
        ReportsReceived++;
        uint arrival = NtpTimestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()).ShortFormat;
        if (RtcpRoundTrip.TryCompute(arrival, block.LastSenderReport, block.DelaySinceLastSenderReport, out TimeSpan rtt))
        {
            RoundTripTime = rtt;
            TotalRoundTripTime += rtt;
            RoundTripTimeMeasurements++;
        }

        return true;
    }

    /// <summary>Starts over with a new SSRC (counts restart, RFC 3550 6.4.1).</summary>
    /// <param name="ssrc">The new SSRC.</param>
    public void Reset(uint ssrc)
    {
        Ssrc = ssrc;
        PacketCount = 0;
        OctetCount = 0;
        RoundTripTime = null;
        TotalRoundTripTime = TimeSpan.Zero;
        RoundTripTimeMeasurements = 0;
        ReportsReceived = 0;
        LastRemoteReport = null;
    }
}
