namespace VoipKit.Media.Rtcp;

/// <summary>One SDES chunk: a source and its items, a view into a validated packet.</summary>
public readonly ref struct RtcpSdesChunk
{
    private readonly ReadOnlySpan<byte> _items;

    internal RtcpSdesChunk(uint ssrc, ReadOnlySpan<byte> items)
    {
        Ssrc = ssrc;
        _items = items;
    }

    /// <summary>The SSRC or CSRC the items describe.</summary>
    public uint Ssrc { get; }

    /// <summary>Enumerates the items.</summary>
    public RtcpSdesItemEnumerator GetEnumerator() => new(_items);

    /// <summary>Finds the first item of a type.</summary>
    /// <param name="type">The item type, e.g. <see cref="RtcpSdesItemType.Cname"/>.</param>
    /// <param name="value">The item's value when found.</param>
    /// <returns>Whether the chunk has such an item.</returns>
    public bool TryGetItem(RtcpSdesItemType type, out ReadOnlySpan<byte> value)
    {
        foreach (RtcpSdesItem item in this)
        {
            if (item.Type == type)
            {
                value = item.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
