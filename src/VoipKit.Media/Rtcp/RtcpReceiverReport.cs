using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>A receiver report, RR (RFC 3550 6.4.2): up to 31 reception report blocks.</summary>
public readonly ref struct RtcpReceiverReport
{
    /// <summary>The most report blocks one packet carries (5-bit count).</summary>
    public const int MaxReportBlocks = 31;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>The reporter's SSRC.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The number of report blocks.</summary>
    public int ReportCount { get; }

    /// <summary>Profile-specific extension bytes after the report blocks.</summary>
    public ReadOnlySpan<byte> ProfileExtension => _body[(4 + (RtcpReportBlock.Length * ReportCount))..];

    /// <summary>Returns one report block.</summary>
    /// <param name="index">0 to <see cref="ReportCount"/> - 1.</param>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + (RtcpReportBlock.Length * index))..]);
    }

    /// <summary>Reads an RR from a packet of a validated compound.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="report">The report, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/> or <see cref="RtcpReadResult.CountOverrun"/>.</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpReceiverReport report)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.ReceiverReport)
        {
            return RtcpReadResult.WrongType;
        }

        if (packet.Body.Length < 4 + (RtcpReportBlock.Length * packet.Count))
        {
            return RtcpReadResult.CountOverrun;
        }

        report = new RtcpReceiverReport(packet.Body, packet.Count);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes an RR.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="ssrc">The reporter's SSRC.</param>
    /// <param name="blocks">Up to 31 report blocks (none is valid: an empty RR heads a compound when nothing was received).</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, MaxReportBlocks, nameof(blocks));
        written = 0;
        int length = RtcpPacket.HeaderLength + 4 + (RtcpReportBlock.Length * blocks.Length);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpHeaderWriter.Write(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(8 + (RtcpReportBlock.Length * i))..]);
        }

        written = length;
        return true;
    }
}
