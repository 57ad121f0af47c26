using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>
/// A validated RTCP compound packet (RFC 3550 6.1 and A.2), or with reduced size allowed a single
/// non-compound packet (RFC 5506). Validation checks every packet's header and length, so
/// enumerating the packets never fails and never reads outside the buffer.
/// </summary>
public readonly ref struct RtcpCompoundPacket
{
    private readonly ReadOnlySpan<byte> _datagram;

    private RtcpCompoundPacket(ReadOnlySpan<byte> datagram) => _datagram = datagram;

    /// <summary>The whole datagram as read.</summary>
    public ReadOnlySpan<byte> Span => _datagram;

    /// <summary>
    /// Validates a compound packet: version 2 in every packet, lengths that add up to the datagram,
    /// padding only in the last packet, and (unless <paramref name="allowReducedSize"/>) SR or RR first.
    /// </summary>
    /// <param name="datagram">The RTCP datagram (for SRTCP, after unprotecting).</param>
    /// <param name="allowReducedSize">Whether reduced-size RTCP (RFC 5506) was negotiated, so any packet type may come first.</param>
    /// <param name="result">The validated compound packet, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/> or why it is invalid.</returns>
    public static RtcpReadResult TryRead(ReadOnlySpan<byte> datagram, bool allowReducedSize, out RtcpCompoundPacket result)
    {
        result = default;
        if (datagram.Length < RtcpPacket.HeaderLength)
        {
            return RtcpReadResult.TooShort;
        }

        int offset = 0;
        while (offset < datagram.Length)
        {
            RtcpReadResult r = ReadOne(datagram, offset, out int length, out _);
            if (r != RtcpReadResult.Ok)
            {
                return r;
            }

            if (offset == 0 && !allowReducedSize
                && datagram[1] is not ((byte)RtcpPacketType.SenderReport or (byte)RtcpPacketType.ReceiverReport))
            {
                return RtcpReadResult.FirstNotReport;
            }

            if ((datagram[offset] & 0x20) != 0 && offset + length != datagram.Length)
            {
                return RtcpReadResult.PaddingNotLast;
            }

            offset += length;
        }

        result = new RtcpCompoundPacket(datagram);
        return RtcpReadResult.Ok;
    }

    /// <summary>Enumerates the packets of the compound.</summary>
    public RtcpPacketEnumerator GetEnumerator() => new(_datagram);

    internal static RtcpReadResult ReadOne(ReadOnlySpan<byte> datagram, int offset, out int length, out int padding)
    {
        length = 0;
        padding = 0;
        ReadOnlySpan<byte> rest = datagram[offset..];
        if (rest.Length < RtcpPacket.HeaderLength)
        {
            return RtcpReadResult.TooShort;
        }

        if (rest[0] >> 6 != 2)
        {
            return RtcpReadResult.BadVersion;
        }

        int packetLength = 4 * (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) + 1);
        if (packetLength > rest.Length)
        {
            return RtcpReadResult.LengthOverrun;
        }

        if ((rest[0] & 0x20) != 0)
        {
            padding = rest[packetLength - 1];
            if (padding == 0 || padding > packetLength - RtcpPacket.HeaderLength)
            {
                return RtcpReadResult.BadPadding;
            }
        }

        length = packetLength;
        return RtcpReadResult.Ok;
    }
}
