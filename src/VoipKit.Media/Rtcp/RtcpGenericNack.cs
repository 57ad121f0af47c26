using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>A generic NACK (RFC 4585 6.2.1, RTPFB FMT 1): the receiver asks for lost packets again.</summary>
public readonly ref struct RtcpGenericNack
{
    private const int FixedLength = RtcpPacket.HeaderLength + 8;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpGenericNack(ReadOnlySpan<byte> body) => _body = body;

    /// <summary>The SSRC of the packet sender (the receiver asking).</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The SSRC of the media source whose packets were lost.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body[4..]);

    /// <summary>The number of NACK items.</summary>
    public int ItemCount => (_body.Length - 8) / 4;

    /// <summary>Returns one item.</summary>
    /// <param name="index">0 to <see cref="ItemCount"/> - 1.</param>
    public RtcpNackItem GetItem(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ItemCount);
        ReadOnlySpan<byte> item = _body[(8 + (4 * index))..];
        return new RtcpNackItem(BinaryPrimitives.ReadUInt16BigEndian(item), BinaryPrimitives.ReadUInt16BigEndian(item[2..]));
    }

    /// <summary>Copies the lost sequence numbers, in item order, into a buffer.</summary>
    /// <param name="destination">Receives the sequence numbers (17 per item at most).</param>
    /// <returns>How many were written; stops when the buffer is full.</returns>
    public int CopyLostSequenceNumbers(Span<ushort> destination)
    {
        int n = 0;
        for (int i = 0; i < ItemCount; i++)
        {
            RtcpNackItem item = GetItem(i);
            for (int bit = -1; bit < 16; bit++)
            {
                if (bit >= 0 && (item.LostBitmask & (1 << bit)) == 0)
                {
                    continue;
                }

                if (n == destination.Length)
                {
                    return n;
                }

                destination[n++] = (ushort)(item.PacketId + bit + 1);
            }
        }

        return n;
    }

    /// <summary>Reads a generic NACK from a packet of a validated compound.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="nack">The NACK, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/> or <see cref="RtcpReadResult.MalformedFeedback"/>.</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpGenericNack nack)
    {
        nack = default;
        if (packet.PacketType != RtcpPacketType.TransportFeedback || packet.Count != (int)RtcpFeedbackFormat.GenericNack)
        {
            return RtcpReadResult.WrongType;
        }

        // At least one item (RFC 4585 6.2.1), whole items only.
        ReadOnlySpan<byte> body = packet.Body;
        if (body.Length < 12 || body.Length % 4 != 0)
        {
            return RtcpReadResult.MalformedFeedback;
        }

        nack = new RtcpGenericNack(body);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes a generic NACK from items.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">The SSRC of the packet sender.</param>
    /// <param name="mediaSsrc">The SSRC of the media source.</param>
    /// <param name="items">At least one item.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<RtcpNackItem> items, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfZero(items.Length, nameof(items));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(items.Length, (ushort.MaxValue - 2), nameof(items));
        written = 0;
        int length = FixedLength + (4 * items.Length);
        if (destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, senderSsrc, mediaSsrc, length);
        for (int i = 0; i < items.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(FixedLength + (4 * i))..], items[i].PacketId);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(FixedLength + (4 * i) + 2)..], items[i].LostBitmask);
        }

        written = length;
        return true;
    }

    /// <summary>Writes a generic NACK for a list of lost sequence numbers, packing them into as few items as it can.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">The SSRC of the packet sender.</param>
    /// <param name="mediaSsrc">The SSRC of the media source.</param>
    /// <param name="lost">At least one lost sequence number, ascending in RTP order (wrap allowed), no duplicates.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWriteLost(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfZero(lost.Length, nameof(lost));
        written = 0;
        if (destination.Length < FixedLength + 4)
        {
            return false;
        }

        int length = FixedLength;
        int itemOffset = -1;
        ushort pid = 0;
        ushort mask = 0;
        foreach (ushort sequence in lost)
        {
            int distance = (ushort)(sequence - pid);
            if (itemOffset >= 0 && distance is >= 1 and <= 16)
            {
                mask |= (ushort)(1 << (distance - 1));
                BinaryPrimitives.WriteUInt16BigEndian(destination[(itemOffset + 2)..], mask);
                continue;
            }

            if (destination.Length < length + 4)
            {
                return false;
            }

            itemOffset = length;
            pid = sequence;
            mask = 0;
            BinaryPrimitives.WriteUInt16BigEndian(destination[itemOffset..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(itemOffset + 2)..], mask);
            length += 4;
        }

        if (length / 4 > ushort.MaxValue)
        {
            return false;
        }

        WriteHeader(destination, senderSsrc, mediaSsrc, length);
        written = length;
        return true;
    }

    private static void WriteHeader(Span<byte> destination, uint senderSsrc, uint mediaSsrc, int length)
    {
        RtcpHeaderWriter.Write(destination, (int)RtcpFeedbackFormat.GenericNack, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
    }
}
