namespace VoipKit.Transport.Stun;

/// <summary>One attribute of a parsed message: its type, value (without padding) and offset of its header.</summary>
internal readonly ref struct StunAttribute
{
    public StunAttribute(ushort type, ReadOnlySpan<byte> value, int offset)
    {
        Type = type;
        Value = value;
        Offset = offset;
    }

    /// <summary>The attribute type.</summary>
    public ushort Type { get; }

    /// <summary>The value, without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The offset of the attribute's header in the message.</summary>
    public int Offset { get; }
}
