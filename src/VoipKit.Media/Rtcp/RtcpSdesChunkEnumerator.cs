namespace VoipKit.Media.Rtcp;

/// <summary>Enumerates the chunks of a validated SDES packet.</summary>
public ref struct RtcpSdesChunkEnumerator
{
    private readonly ReadOnlySpan<byte> _body;
    private int _remaining;
    private int _offset;
    private RtcpSdesChunk _current;

    internal RtcpSdesChunkEnumerator(ReadOnlySpan<byte> body, int count)
    {
        _body = body;
        _remaining = count;
        _offset = 0;
        _current = default;
    }

    /// <summary>The current chunk.</summary>
    public readonly RtcpSdesChunk Current => _current;

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly RtcpSdesChunkEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next chunk.</summary>
    /// <returns>False after the last chunk.</returns>
    public bool MoveNext()
    {
        if (_remaining == 0)
        {
            return false;
        }

        int next = RtcpSourceDescription.NextChunk(_body, _offset, out uint ssrc, out int itemsOffset, out int itemsLength);
        if (next < 0)
        {
            _remaining = 0;
            return false;
        }

        _current = new RtcpSdesChunk(ssrc, _body.Slice(itemsOffset, itemsLength));
        _offset = next;
        _remaining--;
        return true;
    }
}
