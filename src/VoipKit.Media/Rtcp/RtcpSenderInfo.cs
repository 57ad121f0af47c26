namespace VoipKit.Media.Rtcp;

/// <summary>The sender information section of a sender report (RFC 3550 6.4.1).</summary>
/// <param name="NtpTimestamp">Wall-clock time when the report was sent.</param>
/// <param name="RtpTimestamp">The same instant in the RTP timestamp clock.</param>
/// <param name="PacketCount">RTP data packets sent since the start of transmission.</param>
/// <param name="OctetCount">Payload octets sent since the start of transmission.</param>
public readonly record struct RtcpSenderInfo(NtpTimestamp NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>Length in bytes on the wire.</summary>
    public const int Length = 20;
}
