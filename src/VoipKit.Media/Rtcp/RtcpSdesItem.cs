namespace VoipKit.Media.Rtcp;

/// <summary>One SDES item: its type and its value (UTF-8 text for the standard types), a view into the packet.</summary>
public readonly ref struct RtcpSdesItem
{
    internal RtcpSdesItem(RtcpSdesItemType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The item type (values above 8 are kept as read).</summary>
    public RtcpSdesItemType Type { get; }

    /// <summary>The item's value, 0 to 255 bytes.</summary>
    public ReadOnlySpan<byte> Value { get; }
}
