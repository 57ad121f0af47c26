using System.Buffers.Binary;

namespace VoipKit.Transport.Stun;

/// <summary>
/// A validated, zero-copy view of one STUN message (RFC 8489 section 5) over the caller's buffer.
/// <see cref="TryParse"/> checks the header and the framing of every attribute once, so no accessor
/// reads outside the buffer. Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256
/// and FINGERPRINT are skipped by every accessor, as section 14.5 requires.
/// </summary>
internal readonly ref struct StunMessage
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> message, int integrityOffset, int integritySha256Offset, int fingerprintOffset)
    {
        _message = message;
        _integrityOffset = integrityOffset;
        _integritySha256Offset = integritySha256Offset;
        _fingerprintOffset = fingerprintOffset;
    }

    /// <summary>The message type.</summary>
    public StunMessageType Type
    {
        get
        {
            StunMessageType.TryFromWireValue(BinaryPrimitives.ReadUInt16BigEndian(_message), out StunMessageType type);
            return type;
        }
    }

    /// <summary>The method (12 bits).</summary>
    public ushort Method => Type.Method;

    /// <summary>The class.</summary>
    public StunClass Class => Type.Class;

    /// <summary>The 96-bit transaction ID.</summary>
    public ReadOnlySpan<byte> TransactionId => _message.Slice(8, StunConstants.TransactionIdLength);

    /// <summary>The whole message as read.</summary>
    public ReadOnlySpan<byte> Span => _message;

    /// <summary>Whether MESSAGE-INTEGRITY is present.</summary>
    public bool HasMessageIntegrity => _integrityOffset > 0;

    /// <summary>Whether MESSAGE-INTEGRITY-SHA256 is present.</summary>
    public bool HasMessageIntegritySha256 => _integritySha256Offset > 0;

    /// <summary>Whether FINGERPRINT is present.</summary>
    public bool HasFingerprint => _fingerprintOffset > 0;

    internal int IntegrityOffset => _integrityOffset;

    internal int IntegritySha256Offset => _integritySha256Offset;

    internal int FingerprintOffset => _fingerprintOffset;

    /// <summary>
    /// A quick demultiplexing check for a socket shared with RTP/RTCP/DTLS (RFC 7983: first byte 0–3),
    /// plus the header length and the magic cookie.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= StunConstants.HeaderLength
        && datagram[0] < 4
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == StunConstants.MagicCookie;

    /// <summary>Validates <paramref name="datagram"/> as one STUN message. Never throws on bad input.</summary>
    public static StunParseResult TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (datagram.Length < StunConstants.HeaderLength)
        {
            return StunParseResult.TooShort;
        }

        if ((datagram[0] & 0xC0) != 0)
        {
            return StunParseResult.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != StunConstants.MagicCookie)
        {
            return StunParseResult.BadMagicCookie;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0)
        {
            return StunParseResult.LengthNotMultipleOfFour;
        }

        if (length != datagram.Length - StunConstants.HeaderLength)
        {
            return StunParseResult.LengthMismatch;
        }

        // Offsets of the special attributes; 0 means absent (attributes start at 20), so a default view has none.
        int integrity = 0, integritySha256 = 0, fingerprint = 0;
        int offset = StunConstants.HeaderLength;
        while (offset < datagram.Length)
        {
            if (fingerprint > 0)
            {
                return StunParseResult.AttributeAfterFingerprint;
            }

            if (datagram.Length - offset < StunConstants.AttributeHeaderLength)
            {
                return StunParseResult.TruncatedAttribute;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            if (StunConstants.Padded(valueLength) > datagram.Length - offset - StunConstants.AttributeHeaderLength)
            {
                return StunParseResult.TruncatedAttribute;
            }

            switch (type)
            {
                case StunAttributeType.MessageIntegrity when integrity == 0 && integritySha256 == 0:
                    if (valueLength != StunConstants.MessageIntegrityLength)
                    {
                        return StunParseResult.BadIntegrityLength;
                    }

                    integrity = offset;
                    break;
                case StunAttributeType.MessageIntegritySha256 when integritySha256 == 0:
                    if (valueLength is < 16 or > StunConstants.MessageIntegritySha256Length || (valueLength & 3) != 0)
                    {
                        return StunParseResult.BadIntegrityLength;
                    }

                    integritySha256 = offset;
                    break;
                case StunAttributeType.Fingerprint:
                    if (valueLength != 4)
                    {
                        return StunParseResult.BadIntegrityLength;
                    }

                    fingerprint = offset;
                    break;
            }

            offset += StunConstants.AttributeHeaderLength + StunConstants.Padded(valueLength);
        }

        message = new StunMessage(datagram, integrity, integritySha256, fingerprint);
        return StunParseResult.Ok;
    }

    /// <summary>Enumerates the attributes the receiver must consider, in wire order.</summary>
    public StunAttributeEnumerator GetAttributes() =>
        new(_message, _integrityOffset > 0 && (_integritySha256Offset == 0 || _integrityOffset < _integritySha256Offset) ? _integrityOffset : _integritySha256Offset);

    /// <summary>Finds the first considered attribute of a type.</summary>
    /// <returns><see langword="false"/> when absent.</returns>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        foreach (StunAttribute attribute in GetAttributes())
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Whether the message carries a considered attribute of this type.</summary>
    public bool HasAttribute(ushort type) => TryGetAttribute(type, out _);

    /// <summary>
    /// Copies the comprehension-required attribute types this library does not know, for a 420
    /// (Unknown Attribute) answer with UNKNOWN-ATTRIBUTES.
    /// </summary>
    /// <returns>How many there are (may exceed <paramref name="destination"/>'s length; only that many are copied).</returns>
    public int GetUnknownComprehensionRequired(Span<ushort> destination)
    {
        int count = 0;
        foreach (StunAttribute attribute in GetAttributes())
        {
            if (StunAttributeType.IsComprehensionRequired(attribute.Type) && !StunAttributeType.IsKnown(attribute.Type))
            {
                if (count < destination.Length)
                {
                    destination[count] = attribute.Type;
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>Reads a (XOR-)address attribute, undoing the XOR for the XOR-* types.</summary>
    public bool TryGetAddress(ushort type, out StunEndPoint endPoint)
    {
        endPoint = default;
        if (!TryGetAttribute(type, out ReadOnlySpan<byte> value))
        {
            return false;
        }

        return type is StunAttributeType.XorMappedAddress or StunAttributeType.XorPeerAddress or StunAttributeType.XorRelayedAddress
            ? StunAttributeReader.TryReadXorAddress(value, TransactionId, out endPoint)
            : StunAttributeReader.TryReadAddress(value, out endPoint);
    }

    /// <summary>Reads a 32-bit attribute (PRIORITY, LIFETIME...).</summary>
    public bool TryGetUInt32(ushort type, out uint value)
    {
        value = 0;
        if (!TryGetAttribute(type, out ReadOnlySpan<byte> raw) || raw.Length != 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(raw);
        return true;
    }

    /// <summary>Reads a 64-bit attribute (ICE-CONTROLLED/ICE-CONTROLLING tie-breaker, RESERVATION-TOKEN).</summary>
    public bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out ReadOnlySpan<byte> raw) || raw.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(raw);
        return true;
    }

    /// <summary>Reads ERROR-CODE: the code (300–699) and the UTF-8 reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        return TryGetAttribute(StunAttributeType.ErrorCode, out ReadOnlySpan<byte> raw)
            && StunAttributeReader.TryReadErrorCode(raw, out code, out reason);
    }
}
