using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>One reception report block of an SR or RR (RFC 3550 6.4.1).</summary>
/// <param name="Ssrc">The source this block reports on.</param>
/// <param name="FractionLost">Fraction of packets lost since the previous report, in 1/256.</param>
/// <param name="CumulativeLost">Packets lost since the start of reception (24-bit signed: duplicates can make it negative).</param>
/// <param name="ExtendedHighestSequence">Cycle count (high 16 bits) and highest sequence number received.</param>
/// <param name="Jitter">Interarrival jitter estimate in RTP timestamp units.</param>
/// <param name="LastSenderReport">LSR: the middle 32 bits of the last SR's NTP timestamp from this source, or 0.</param>
/// <param name="DelaySinceLastSenderReport">DLSR: delay since that SR arrived, in 1/65536 s, or 0.</param>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Length in bytes on the wire.</summary>
    public const int Length = 24;

    /// <summary>The largest cumulative loss a block can carry (2^23 - 1).</summary>
    public const int MaxCumulativeLost = 0x7FFFFF;

    /// <summary>The smallest cumulative loss a block can carry (-2^23).</summary>
    public const int MinCumulativeLost = -0x800000;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> source)
    {
        uint lossWord = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
        // Sign-extend the 24-bit cumulative loss.
        int cumulative = (int)(lossWord << 8) >> 8;
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            (byte)(lossWord >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }

    internal void Write(Span<byte> destination)
    {
        int lost = Math.Clamp(CumulativeLost, MinCumulativeLost, MaxCumulativeLost);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }
}
