using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>Enumerates the per-packet reports of validated transport-wide feedback.</summary>
public ref struct TwccPacketEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private readonly ReadOnlySpan<byte> _deltas;
    private readonly int _count;
    private readonly ushort _base;
    private int _index;
    private int _chunkOffset;
    private int _inChunk;
    private int _deltaOffset;
    private TwccPacketReport _current;

    internal TwccPacketEnumerator(ReadOnlySpan<byte> chunks, ReadOnlySpan<byte> deltas, ushort baseSequence, int count)
    {
        _chunks = chunks;
        _deltas = deltas;
        _base = baseSequence;
        _count = count;
        _index = 0;
        _chunkOffset = 0;
        _inChunk = 0;
        _deltaOffset = 0;
        _current = default;
    }

    /// <summary>The current packet's report.</summary>
    public readonly TwccPacketReport Current => _current;

    /// <summary>Moves to the next packet.</summary>
    /// <returns>False after the last packet.</returns>
    public bool MoveNext()
    {
        if (_index >= _count || _chunkOffset + 2 > _chunks.Length)
        {
            return false;
        }

        ushort chunk = BinaryPrimitives.ReadUInt16BigEndian(_chunks[_chunkOffset..]);
        int symbol = TwccChunk.Symbol(chunk, _inChunk, out int capacity);
        _inChunk++;
        if (_inChunk == capacity)
        {
            _chunkOffset += 2;
            _inChunk = 0;
        }

        short delta = 0;
        if (symbol == (int)TwccStatus.ReceivedSmallDelta)
        {
            delta = _deltas[_deltaOffset++];
        }
        else if (symbol == (int)TwccStatus.ReceivedLargeDelta)
        {
            delta = BinaryPrimitives.ReadInt16BigEndian(_deltas[_deltaOffset..]);
            _deltaOffset += 2;
        }

        _current = new TwccPacketReport((ushort)(_base + _index), (TwccStatus)symbol, delta);
        _index++;
        return true;
    }
}
