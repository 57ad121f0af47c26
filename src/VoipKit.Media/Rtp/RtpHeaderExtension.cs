namespace VoipKit.Media.Rtp;

/// <summary>One RFC 8285 header extension element: its local identifier and its value, a view into the packet.</summary>
public readonly ref struct RtpHeaderExtension
{
    /// <summary>Creates an element view.</summary>
    /// <param name="id">The local identifier.</param>
    /// <param name="value">The element's data.</param>
    public RtpHeaderExtension(byte id, ReadOnlySpan<byte> value)
    {
        Id = id;
        Value = value;
    }

    /// <summary>The local identifier (1 to 14 in the one-byte form, 1 to 255 in the two-byte form).</summary>
    public byte Id { get; }

    /// <summary>The element's data.</summary>
    public ReadOnlySpan<byte> Value { get; }
}
