namespace VoipKit.Media.Rtp;

/// <summary>
/// The fixed fields of an RTP header (RFC 3550 section 5.1) that a sender chooses per packet.
/// CSRCs, header extensions and padding are written and read separately.
/// </summary>
/// <param name="PayloadType">The payload type, 0 to 127.</param>
/// <param name="SequenceNumber">The 16-bit sequence number.</param>
/// <param name="Timestamp">The 32-bit RTP timestamp, in the payload's clock rate.</param>
/// <param name="Ssrc">The synchronization source identifier.</param>
/// <param name="Marker">The marker bit (for audio: first packet after silence).</param>
public readonly record struct RtpHeader(byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc, bool Marker = false)
{
    /// <summary>The RTP version this library reads and writes (2).</summary>
    public const int Version = 2;

    /// <summary>Length in bytes of the fixed header, without CSRCs or extension.</summary>
    public const int FixedLength = 12;

    /// <summary>The largest number of CSRCs a header can carry (4-bit count).</summary>
    public const int MaxCsrcCount = 15;
}
