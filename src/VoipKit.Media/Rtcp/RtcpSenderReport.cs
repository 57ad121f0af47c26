using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>A sender report, SR (RFC 3550 6.4.1): sender info and up to 31 reception report blocks.</summary>
public readonly ref struct RtcpSenderReport
{
    /// <summary>The most report blocks one packet carries (5-bit count).</summary>
    public const int MaxReportBlocks = 31;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>The sender's SSRC.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The sender information.</summary>
    public RtcpSenderInfo SenderInfo => new(
        new NtpTimestamp(BinaryPrimitives.ReadUInt64BigEndian(_body[4..])),
        BinaryPrimitives.ReadUInt32BigEndian(_body[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[16..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[20..]));

    /// <summary>The number of report blocks.</summary>
    public int ReportCount { get; }

    /// <summary>Profile-specific extension bytes after the report blocks.</summary>
    public ReadOnlySpan<byte> ProfileExtension => _body[(24 + (RtcpReportBlock.Length * ReportCount))..];

    /// <summary>Returns one report block.</summary>
    /// <param name="index">0 to <see cref="ReportCount"/> - 1.</param>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(24 + (RtcpReportBlock.Length * index))..]);
    }

    /// <summary>Reads an SR from a packet of a validated compound.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="report">The report, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/> or <see cref="RtcpReadResult.CountOverrun"/>.</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpSenderReport report)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.SenderReport)
        {
            return RtcpReadResult.WrongType;
        }

        if (packet.Body.Length < 24 + (RtcpReportBlock.Length * packet.Count))
        {
            return RtcpReadResult.CountOverrun;
        }

        report = new RtcpSenderReport(packet.Body, packet.Count);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes an SR.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="ssrc">The sender's SSRC.</param>
    /// <param name="senderInfo">The sender information.</param>
    /// <param name="blocks">Up to 31 report blocks.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint ssrc, in RtcpSenderInfo senderInfo, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, MaxReportBlocks, nameof(blocks));
        written = 0;
        int length = RtcpPacket.HeaderLength + 4 + RtcpSenderInfo.Length + (RtcpReportBlock.Length * blocks.Length);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpHeaderWriter.Write(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], senderInfo.NtpTimestamp.Value);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], senderInfo.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], senderInfo.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], senderInfo.OctetCount);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(28 + (RtcpReportBlock.Length * i))..]);
        }

        written = length;
        return true;
    }
}
