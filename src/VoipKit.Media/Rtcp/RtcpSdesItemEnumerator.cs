namespace VoipKit.Media.Rtcp;

/// <summary>Enumerates the items of a validated SDES chunk.</summary>
public ref struct RtcpSdesItemEnumerator
{
    private readonly ReadOnlySpan<byte> _items;
    private int _offset;
    private RtcpSdesItem _current;

    internal RtcpSdesItemEnumerator(ReadOnlySpan<byte> items)
    {
        _items = items;
        _offset = 0;
        _current = default;
    }

    /// <summary>The current item.</summary>
    public readonly RtcpSdesItem Current => _current;

    /// <summary>Moves to the next item.</summary>
    /// <returns>False after the last item.</returns>
    public bool MoveNext()
    {
        // The chunk was validated, so each item's length fits; this check only guards misuse.
        if (_items.Length - _offset < 2 || _items[_offset + 1] > _items.Length - _offset - 2)
        {
            return false;
        }

        int length = _items[_offset + 1];
        _current = new RtcpSdesItem((RtcpSdesItemType)_items[_offset], _items.Slice(_offset + 2, length));
        _offset += 2 + length;
        return true;
    }
}
