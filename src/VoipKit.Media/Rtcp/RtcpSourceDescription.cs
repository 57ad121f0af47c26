using System.Buffers.Binary;
using System.Text;

namespace VoipKit.Media.Rtcp;

/// <summary>A source description packet, SDES (RFC 3550 6.5): chunks of items (CNAME and others) per source.</summary>
public readonly ref struct RtcpSourceDescription
{
    /// <summary>The most chunks one packet carries (5-bit count).</summary>
    public const int MaxChunks = 31;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpSourceDescription(ReadOnlySpan<byte> body, int chunkCount)
    {
        _body = body;
        ChunkCount = chunkCount;
    }

    /// <summary>The number of chunks.</summary>
    public int ChunkCount { get; }

    /// <summary>Enumerates the chunks.</summary>
    public RtcpSdesChunkEnumerator GetChunks() => new(_body, ChunkCount);

    /// <summary>Reads an SDES packet from a validated compound, checking every chunk and item.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="description">The SDES view, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/> or <see cref="RtcpReadResult.MalformedItem"/>.</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpSourceDescription description)
    {
        description = default;
        if (packet.PacketType != RtcpPacketType.SourceDescription)
        {
            return RtcpReadResult.WrongType;
        }

        ReadOnlySpan<byte> body = packet.Body;
        int offset = 0;
        for (int i = 0; i < packet.Count; i++)
        {
            offset = NextChunk(body, offset, out _, out _, out _);
            if (offset < 0)
            {
                return RtcpReadResult.MalformedItem;
            }
        }

        description = new RtcpSourceDescription(body, packet.Count);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes an SDES packet with one chunk holding only a CNAME, the usual case.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="ssrc">The source.</param>
    /// <param name="cname">The CNAME, at most 255 UTF-8 bytes.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname, out int written)
    {
        written = 0;
        var writer = new RtcpSourceDescriptionWriter(destination);
        return writer.TryAddChunk(ssrc) && writer.TryAddItem(RtcpSdesItemType.Cname, cname) && writer.TryComplete(out written);
    }

    /// <summary>Writes an SDES packet with one chunk holding only a CNAME given as text.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="ssrc">The source.</param>
    /// <param name="cname">The CNAME; its UTF-8 form must be at most 255 bytes.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWriteCname(Span<byte> destination, uint ssrc, string cname, out int written)
    {
        ArgumentNullException.ThrowIfNull(cname);
        Span<byte> utf8 = stackalloc byte[255];
        if (!Encoding.UTF8.TryGetBytes(cname, utf8, out int length))
        {
            throw new ArgumentException("A CNAME is at most 255 UTF-8 bytes.", nameof(cname));
        }

        return TryWriteCname(destination, ssrc, utf8[..length], out written);
    }

    /// <summary>Finds the chunk at <paramref name="offset"/>; returns the offset after it, or -1 if it is malformed.</summary>
    internal static int NextChunk(ReadOnlySpan<byte> body, int offset, out uint ssrc, out int itemsOffset, out int itemsLength)
    {
        ssrc = 0;
        itemsOffset = 0;
        itemsLength = 0;
        if (offset < 0 || body.Length - offset < 4)
        {
            return -1;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
        int i = offset + 4;
        itemsOffset = i;
        while (true)
        {
            if (i >= body.Length)
            {
                // No terminating null item.
                return -1;
            }

            if (body[i] == 0)
            {
                itemsLength = i - itemsOffset;
                // Null octets pad the chunk to the next 32-bit boundary (the body starts on one).
                return Math.Min(RtcpHeaderWriter.Align4(i + 1), body.Length);
            }

            if (body.Length - i < 2 || body[i + 1] > body.Length - i - 2)
            {
                return -1;
            }

            i += 2 + body[i + 1];
        }
    }
}
