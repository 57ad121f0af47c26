using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Transport.Stun;

/// <summary>
/// Writes one STUN message into a caller's buffer (RFC 8489 section 5): the header, then attributes
/// padded to 4 bytes, with the header length kept up to date. MESSAGE-INTEGRITY(-SHA256) and
/// FINGERPRINT are computed over what precedes them. Running out of room does not throw: the writer
/// remembers it and <see cref="TryComplete(out int)"/> returns <see langword="false"/>.
/// </summary>
internal ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private readonly IBufferWriter<byte>? _output;
    private int _length;
    private bool _overflow;

    /// <summary>Starts a message in <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Where the message goes (a datagram is at most ~1500 bytes).</param>
    /// <param name="type">The message type.</param>
    /// <param name="transactionId">The 12-byte transaction ID.</param>
    public StunMessageWriter(Span<byte> buffer, StunMessageType type, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != StunConstants.TransactionIdLength)
        {
            throw new ArgumentException("A transaction ID is 12 bytes.", nameof(transactionId));
        }

        _buffer = buffer;
        _output = null;
        PaddingByte = 0;
        if (buffer.Length < StunConstants.HeaderLength)
        {
            _overflow = true;
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.ToWireValue());
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunConstants.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunConstants.HeaderLength;
    }

    /// <summary>Starts a message in memory from <paramref name="output"/>; <see cref="TryComplete(out int)"/> advances it.</summary>
    public StunMessageWriter(IBufferWriter<byte> output, int sizeHint, StunMessageType type, ReadOnlySpan<byte> transactionId)
        : this((output ?? throw new ArgumentNullException(nameof(output))).GetSpan(sizeHint), type, transactionId)
    {
        _output = output;
    }

    /// <summary>The byte used to pad attribute values (0 by default; RFC 5769's samples use 0x20).</summary>
    public byte PaddingByte { get; set; }

    /// <summary>The bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The message so far (header length already up to date).</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Appends an attribute with a raw value.</summary>
    public bool AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        if (!TryReserve(type, value.Length, out Span<byte> destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    /// <summary>Appends an attribute whose value is the UTF-8 form of <paramref name="value"/> (USERNAME, REALM, NONCE, SOFTWARE...).</summary>
    public bool AddString(ushort type, scoped ReadOnlySpan<char> value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (!TryReserve(type, byteCount, out Span<byte> destination))
        {
            return false;
        }

        Encoding.UTF8.GetBytes(value, destination);
        return true;
    }

    /// <summary>Appends a 32-bit attribute (PRIORITY, LIFETIME...).</summary>
    public bool AddUInt32(ushort type, uint value)
    {
        if (!TryReserve(type, 4, out Span<byte> destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        return true;
    }

    /// <summary>Appends a 64-bit attribute (ICE-CONTROLLED/ICE-CONTROLLING, RESERVATION-TOKEN).</summary>
    public bool AddUInt64(ushort type, ulong value)
    {
        if (!TryReserve(type, 8, out Span<byte> destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, value);
        return true;
    }

    /// <summary>Appends an empty attribute (USE-CANDIDATE, DONT-FRAGMENT).</summary>
    public bool AddFlag(ushort type) => TryReserve(type, 0, out _);

    /// <summary>Appends a plain address attribute (MAPPED-ADDRESS, ALTERNATE-SERVER).</summary>
    public bool AddAddress(ushort type, in StunEndPoint endPoint) => WriteAddress(type, endPoint, xor: false);

    /// <summary>Appends an XOR address attribute (XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS).</summary>
    public bool AddXorAddress(ushort type, in StunEndPoint endPoint) => WriteAddress(type, endPoint, xor: true);

    /// <summary>Appends ERROR-CODE with a code of 300–699 and a UTF-8 reason phrase.</summary>
    public bool AddErrorCode(int code, scoped ReadOnlySpan<char> reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699);
        int byteCount = Encoding.UTF8.GetByteCount(reason);
        if (!TryReserve(StunAttributeType.ErrorCode, 4 + byteCount, out Span<byte> destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = 0;
        destination[2] = (byte)(code / 100);
        destination[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, destination[4..]);
        return true;
    }

    /// <summary>Appends UNKNOWN-ATTRIBUTES.</summary>
    public bool AddUnknownAttributes(scoped ReadOnlySpan<ushort> types)
    {
        if (!TryReserve(StunAttributeType.UnknownAttributes, 2 * types.Length, out Span<byte> destination))
        {
            return false;
        }

        for (int i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * i)..], types[i]);
        }

        return true;
    }

    /// <summary>Appends a 4-byte attribute whose first byte carries a value and the rest is RFFU (REQUESTED-TRANSPORT, REQUESTED-ADDRESS-FAMILY).</summary>
    public bool AddFirstByte(ushort type, byte value)
    {
        if (!TryReserve(type, 4, out Span<byte> destination))
        {
            return false;
        }

        destination.Clear();
        destination[0] = value;
        return true;
    }

    /// <summary>Appends CHANNEL-NUMBER (RFC 8656 section 18.1).</summary>
    public bool AddChannelNumber(ushort channel) => AddUInt32(StunAttributeType.ChannelNumber, (uint)channel << 16);

    /// <summary>Appends MESSAGE-INTEGRITY: HMAC-SHA1 over the message so far, the header length counting this attribute.</summary>
    public bool AddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        int offset = _length;
        if (!TryReserve(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength, out Span<byte> destination))
        {
            return false;
        }

#pragma warning disable CA5350 // MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 section 14.5).
        HMACSHA1.HashData(key, _buffer[..offset], destination);
#pragma warning restore CA5350
        return true;
    }

    /// <summary>Appends MESSAGE-INTEGRITY with a prepared key (the same MAC, computed faster).</summary>
    public bool AddMessageIntegrity(StunHmacSha1Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int offset = _length;
        if (!TryReserve(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength, out Span<byte> destination))
        {
            return false;
        }

        key.Compute(_buffer[..offset], destination);
        return true;
    }

    /// <summary>Appends MESSAGE-INTEGRITY-SHA256, truncated to <paramref name="length"/> bytes (16–32, a multiple of 4).</summary>
    public bool AddMessageIntegritySha256(scoped ReadOnlySpan<byte> key, int length = StunConstants.MessageIntegritySha256Length)
    {
        if (length is < 16 or > StunConstants.MessageIntegritySha256Length || (length & 3) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "16 to 32 bytes in steps of 4.");
        }

        int offset = _length;
        if (!TryReserve(StunAttributeType.MessageIntegritySha256, length, out Span<byte> destination))
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[StunConstants.MessageIntegritySha256Length];
        HMACSHA256.HashData(key, _buffer[..offset], mac);
        mac[..length].CopyTo(destination);
        return true;
    }

    /// <summary>Appends FINGERPRINT: CRC-32 of the message so far XOR 0x5354554E. Must be the last attribute.</summary>
    public bool AddFingerprint()
    {
        int offset = _length;
        if (!TryReserve(StunAttributeType.Fingerprint, 4, out Span<byte> destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, StunCrc32.Compute(_buffer[..offset]) ^ StunConstants.FingerprintXor);
        return true;
    }

    /// <summary>Finishes the message.</summary>
    /// <param name="length">The message's length in bytes.</param>
    /// <returns><see langword="false"/> when some part did not fit.</returns>
    public readonly bool TryComplete(out int length)
    {
        length = _overflow ? 0 : _length;
        if (!_overflow)
        {
            _output?.Advance(_length);
        }

        return !_overflow;
    }

    // Reserves the header and padded value of one attribute, writes the header and padding, and updates
    // the message length so a MAC computed next sees the length including this attribute.
    private bool TryReserve(ushort type, int valueLength, out Span<byte> value)
    {
        value = default;
        int total = StunConstants.AttributeHeaderLength + StunConstants.Padded(valueLength);
        if (_overflow || valueLength > ushort.MaxValue || total > _buffer.Length - _length
            || _length + total - StunConstants.HeaderLength > ushort.MaxValue)
        {
            _overflow = true;
            return false;
        }

        Span<byte> attribute = _buffer.Slice(_length, total);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(StunConstants.AttributeHeaderLength + valueLength)..].Fill(PaddingByte);
        _length += total;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunConstants.HeaderLength));
        value = attribute.Slice(StunConstants.AttributeHeaderLength, valueLength);
        return true;
    }

    private bool WriteAddress(ushort type, in StunEndPoint endPoint, bool xor)
    {
        int addressLength = endPoint.AddressLength;
        if (!TryReserve(type, 4 + addressLength, out Span<byte> destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = addressLength == 4 ? (byte)0x01 : (byte)0x02;
        ushort port = xor ? (ushort)(endPoint.Port ^ (StunConstants.MagicCookie >> 16)) : endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], port);
        Span<byte> address = destination.Slice(4, addressLength);
        endPoint.WriteAddress(address);
        if (xor)
        {
            StunAttributeReader.XorAddress(address, _buffer.Slice(8, StunConstants.TransactionIdLength), address);
        }

        return true;
    }
}
