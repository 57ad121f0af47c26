using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>
/// Writes an SDES packet into a caller's buffer: <see cref="TryAddChunk"/>, then its items, repeated,
/// then <see cref="TryComplete"/>. Allocates nothing.
/// </summary>
public ref struct RtcpSourceDescriptionWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private int _chunks;
    private bool _chunkOpen;

    /// <summary>Starts an SDES packet at the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">The buffer.</param>
    public RtcpSourceDescriptionWriter(Span<byte> destination)
    {
        _buffer = destination;
        _length = RtcpPacket.HeaderLength;
        _chunks = 0;
        _chunkOpen = false;
    }

    /// <summary>Starts a chunk for a source (ending the previous one).</summary>
    /// <param name="ssrc">The SSRC or CSRC.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryAddChunk(uint ssrc)
    {
        if (_chunks == RtcpSourceDescription.MaxChunks)
        {
            throw new InvalidOperationException("An SDES packet holds at most 31 chunks.");
        }

        if (!TryEndChunk() || _buffer.Length - _length < 4)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_length..], ssrc);
        _length += 4;
        _chunks++;
        _chunkOpen = true;
        return true;
    }

    /// <summary>Adds an item to the current chunk.</summary>
    /// <param name="type">The item type (not <see cref="RtcpSdesItemType.End"/>).</param>
    /// <param name="value">At most 255 bytes.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryAddItem(RtcpSdesItemType type, scoped ReadOnlySpan<byte> value)
    {
        if (!_chunkOpen)
        {
            throw new InvalidOperationException("Add a chunk before its items.");
        }

        ArgumentOutOfRangeException.ThrowIfZero((byte)type, nameof(type));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, 255, nameof(value));
        if (_buffer.Length - _length < 2 + value.Length)
        {
            return false;
        }

        _buffer[_length] = (byte)type;
        _buffer[_length + 1] = (byte)value.Length;
        value.CopyTo(_buffer[(_length + 2)..]);
        _length += 2 + value.Length;
        return true;
    }

    /// <summary>Ends the last chunk and writes the header.</summary>
    /// <param name="written">The packet's length.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryComplete(out int written)
    {
        written = 0;
        if (_buffer.Length < RtcpPacket.HeaderLength || !TryEndChunk())
        {
            return false;
        }

        RtcpHeaderWriter.Write(_buffer, _chunks, RtcpPacketType.SourceDescription, _length);
        written = _length;
        return true;
    }

    // The item list ends with a null octet, then nulls up to the next 32-bit boundary.
    private bool TryEndChunk()
    {
        if (!_chunkOpen)
        {
            return true;
        }

        int end = RtcpHeaderWriter.Align4(_length + 1);
        if (_buffer.Length < end)
        {
            return false;
        }

        _buffer[_length..end].Clear();
        _length = end;
        _chunkOpen = false;
        return true;
    }
}
