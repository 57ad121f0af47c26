using System.Buffers.Binary;

namespace VoipKit.Transport.Stun;

/// <summary>Decoders for attribute values; each checks the value's length and never reads outside it.</summary>
internal static class StunAttributeReader
{
    private const byte FamilyIPv4 = 0x01;
    private const byte FamilyIPv6 = 0x02;

    /// <summary>MAPPED-ADDRESS / ALTERNATE-SERVER form: reserved byte, family, port, address.</summary>
    public static bool TryReadAddress(ReadOnlySpan<byte> value, out StunEndPoint endPoint)
    {
        endPoint = default;
        int addressLength = AddressLength(value);
        if (addressLength == 0)
        {
            return false;
        }

        endPoint = StunEndPoint.Create(value.Slice(4, addressLength), BinaryPrimitives.ReadUInt16BigEndian(value[2..]));
        return true;
    }

    /// <summary>
    /// XOR-MAPPED-ADDRESS form (RFC 8489 section 14.2): the port XOR the cookie's top 16 bits; an IPv4
    /// address XOR the cookie; an IPv6 address XOR the cookie followed by the transaction ID.
    /// </summary>
    public static bool TryReadXorAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId, out StunEndPoint endPoint)
    {
        endPoint = default;
        int addressLength = AddressLength(value);
        if (addressLength == 0 || transactionId.Length != StunConstants.TransactionIdLength)
        {
            return false;
        }

        Span<byte> address = stackalloc byte[16];
        XorAddress(value.Slice(4, addressLength), transactionId, address);
        ushort port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (StunConstants.MagicCookie >> 16));
        endPoint = StunEndPoint.Create(address[..addressLength], port);
        return true;
    }

    /// <summary>ERROR-CODE (section 14.8): 21 reserved bits, class (3–6), number (0–99), UTF-8 reason.</summary>
    public static bool TryReadErrorCode(ReadOnlySpan<byte> value, out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (value.Length < 4)
        {
            return false;
        }

        int cls = value[2] & 0x07;
        int number = value[3];
        if (cls is < 3 or > 6 || number > 99)
        {
            return false;
        }

        code = (cls * 100) + number;
        reason = value[4..];
        return true;
    }

    /// <summary>UNKNOWN-ATTRIBUTES: a list of 16-bit types.</summary>
    /// <returns>How many types the value holds (only as many as fit are copied), or -1 when malformed.</returns>
    public static int ReadUnknownAttributes(ReadOnlySpan<byte> value, Span<ushort> destination)
    {
        if ((value.Length & 1) != 0)
        {
            return -1;
        }

        int count = value.Length / 2;
        for (int i = 0; i < count && i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
        }

        return count;
    }

    /// <summary>
    /// Walks PASSWORD-ALGORITHMS (section 14.11): algorithm (16 bits), parameters length (16 bits),
    /// parameters padded to 4 bytes. Copies the algorithm numbers.
    /// </summary>
    /// <returns>How many algorithms (only as many as fit are copied), or -1 when malformed.</returns>
    public static int ReadPasswordAlgorithms(ReadOnlySpan<byte> value, Span<ushort> destination)
    {
        int count = 0;
        int offset = 0;
        while (offset < value.Length)
        {
            if (value.Length - offset < 4)
            {
                return -1;
            }

            ushort algorithm = BinaryPrimitives.ReadUInt16BigEndian(value[offset..]);
            int parametersLength = BinaryPrimitives.ReadUInt16BigEndian(value[(offset + 2)..]);
            if (StunConstants.Padded(parametersLength) > value.Length - offset - 4)
            {
                return -1;
            }

            if (count < destination.Length)
            {
                destination[count] = algorithm;
            }

            count++;
            offset += 4 + StunConstants.Padded(parametersLength);
        }

        return count;
    }

    /// <summary>CHANNEL-NUMBER (RFC 8656 section 18.1): 16-bit number, 16 bits RFFU.</summary>
    public static bool TryReadChannelNumber(ReadOnlySpan<byte> value, out ushort channel)
    {
        channel = value.Length == 4 ? BinaryPrimitives.ReadUInt16BigEndian(value) : (ushort)0;
        return value.Length == 4;
    }

    /// <summary>REQUESTED-TRANSPORT (RFC 8656 section 18.7): protocol number (17 = UDP), 24 bits RFFU.</summary>
    public static bool TryReadRequestedTransport(ReadOnlySpan<byte> value, out byte protocol)
    {
        protocol = value.Length == 4 ? value[0] : (byte)0;
        return value.Length == 4;
    }

    /// <summary>REQUESTED-ADDRESS-FAMILY (RFC 8656 section 18.11): 0x01 IPv4, 0x02 IPv6.</summary>
    public static bool TryReadRequestedAddressFamily(ReadOnlySpan<byte> value, out byte family)
    {
        family = value.Length == 4 ? value[0] : (byte)0;
        return value.Length == 4;
    }

    /// <summary>EVEN-PORT (RFC 8656 section 18.6): the R bit asks to reserve the next port too.</summary>
    public static bool TryReadEvenPort(ReadOnlySpan<byte> value, out bool reserveNext)
    {
        reserveNext = value.Length == 1 && (value[0] & 0x80) != 0;
        return value.Length == 1;
    }

    internal static void XorAddress(ReadOnlySpan<byte> address, ReadOnlySpan<byte> transactionId, Span<byte> destination)
    {
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (int i = 0; i < address.Length; i++)
        {
            destination[i] = (byte)(address[i] ^ mask[i]);
        }
    }

    // The address length the family byte announces, when the value is exactly that long; 0 otherwise.
    private static int AddressLength(ReadOnlySpan<byte> value)
    {
        if (value.Length == 8 && value[1] == FamilyIPv4)
        {
            return 4;
        }

        return value.Length == 20 && value[1] == FamilyIPv6 ? 16 : 0;
    }
}
