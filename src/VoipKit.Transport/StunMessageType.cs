namespace VoipKit.Transport;

/// <summary>
/// A STUN message type: a 12-bit method and a 2-bit class interleaved into the 14-bit type
/// field of the STUN header (RFC 8489 section 5).
/// </summary>
/// <param name="Method">The method, 0x000–0xFFF (0x001 is Binding; TURN adds 0x003–0x009).</param>
/// <param name="Class">The class: request, indication, success or error response.</param>
public readonly record struct StunMessageType(ushort Method, StunClass Class)
{
    /// <summary>A Binding request (0x0001).</summary>
    public static StunMessageType BindingRequest => new(0x001, StunClass.Request);

    /// <summary>A Binding success response (0x0101).</summary>
    public static StunMessageType BindingSuccess => new(0x001, StunClass.SuccessResponse);

    /// <summary>Encodes this type into the 16-bit type field (the top two bits are zero).</summary>
    /// <returns>The wire value.</returns>
    /// <exception cref="InvalidOperationException">The method does not fit in 12 bits.</exception>
    public ushort ToWireValue()
    {
        if (Method > 0xFFF)
        {
            throw new InvalidOperationException($"STUN method 0x{Method:X} does not fit in 12 bits.");
        }

        int m = Method;
        int c = (int)Class;
        int value = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0x1) << 4) | ((c & 0x2) << 7);
        return (ushort)value;
    }

    /// <summary>Decodes a 16-bit type field.</summary>
    /// <param name="wireValue">The type field as read from the header.</param>
    /// <param name="type">The decoded type when the value is valid.</param>
    /// <returns><see langword="false"/> when either of the two top bits is set (not a STUN message).</returns>
    public static bool TryFromWireValue(ushort wireValue, out StunMessageType type)
    {
        if ((wireValue & 0xC000) != 0)
        {
            type = default;
            return false;
        }

        int method = (wireValue & 0x000F) | ((wireValue & 0x00E0) >> 1) | ((wireValue & 0x3E00) >> 2);
        int cls = ((wireValue & 0x0010) >> 4) | ((wireValue & 0x0100) >> 7);
        type = new StunMessageType((ushort)method, (StunClass)cls);
        return true;
    }
}
