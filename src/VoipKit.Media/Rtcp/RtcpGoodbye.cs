using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>A goodbye packet, BYE (RFC 3550 6.6): sources leaving, with an optional reason.</summary>
public readonly ref struct RtcpGoodbye
{
    /// <summary>The most sources one packet carries (5-bit count).</summary>
    public const int MaxSources = 31;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpGoodbye(ReadOnlySpan<byte> body, int sourceCount, ReadOnlySpan<byte> reason)
    {
        _body = body;
        SourceCount = sourceCount;
        Reason = reason;
    }

    /// <summary>The number of sources leaving.</summary>
    public int SourceCount { get; }

    /// <summary>The reason for leaving (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>Returns one source.</summary>
    /// <param name="index">0 to <see cref="SourceCount"/> - 1.</param>
    public uint GetSource(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_body[(4 * index)..]);
    }

    /// <summary>Whether a source is among those leaving.</summary>
    /// <param name="ssrc">The source.</param>
    public bool Contains(uint ssrc)
    {
        for (int i = 0; i < SourceCount; i++)
        {
            if (GetSource(i) == ssrc)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a BYE from a packet of a validated compound.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="goodbye">The BYE, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/>, <see cref="RtcpReadResult.CountOverrun"/> or <see cref="RtcpReadResult.MalformedItem"/> (reason past the end).</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        if (packet.PacketType != RtcpPacketType.Goodbye)
        {
            return RtcpReadResult.WrongType;
        }

        ReadOnlySpan<byte> body = packet.Body;
        int sourcesLength = 4 * packet.Count;
        if (body.Length < sourcesLength)
        {
            return RtcpReadResult.CountOverrun;
        }

        ReadOnlySpan<byte> reason = default;
        if (body.Length > sourcesLength)
        {
            int reasonLength = body[sourcesLength];
            if (reasonLength > body.Length - sourcesLength - 1)
            {
                return RtcpReadResult.MalformedItem;
            }

            reason = body.Slice(sourcesLength + 1, reasonLength);
        }

        goodbye = new RtcpGoodbye(body, packet.Count, reason);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes a BYE.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="sources">Up to 31 sources.</param>
    /// <param name="reason">Optional reason, at most 255 UTF-8 bytes.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<uint> sources, ReadOnlySpan<byte> reason, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sources.Length, MaxSources, nameof(sources));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reason.Length, 255, nameof(reason));
        written = 0;
        int unpadded = RtcpPacket.HeaderLength + (4 * sources.Length) + (reason.IsEmpty ? 0 : 1 + reason.Length);
        int length = RtcpHeaderWriter.Align4(unpadded);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpHeaderWriter.Write(destination, sources.Length, RtcpPacketType.Goodbye, length);
        int offset = RtcpPacket.HeaderLength;
        foreach (uint ssrc in sources)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        if (!reason.IsEmpty)
        {
            destination[offset] = (byte)reason.Length;
            reason.CopyTo(destination[(offset + 1)..]);
        }

        destination[unpadded..length].Clear();
        written = length;
        return true;
    }
}
