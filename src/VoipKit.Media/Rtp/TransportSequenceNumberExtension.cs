using System.Buffers.Binary;

namespace VoipKit.Media.Rtp;

/// <summary>
/// The transport-wide sequence number RTP header extension
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01): a 16-bit counter across every packet the
/// sender puts on the transport, which transport-wide feedback refers to.
/// </summary>
public static class TransportSequenceNumberExtension
{
    /// <summary>The extension's URI, as negotiated in SDP <c>a=extmap</c>.</summary>
    public const string Uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>The element's value length.</summary>
    public const int Length = 2;

    /// <summary>Reads the sequence number from an element value.</summary>
    /// <param name="value">The element's value (exactly 2 bytes).</param>
    /// <param name="sequenceNumber">The transport-wide sequence number.</param>
    /// <returns>False when the value has another length.</returns>
    public static bool TryRead(ReadOnlySpan<byte> value, out ushort sequenceNumber)
    {
        if (value.Length != Length)
        {
            sequenceNumber = 0;
            return false;
        }

        sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(value);
        return true;
    }

    /// <summary>Reads the sequence number from a packet's extension with the negotiated ID.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="id">The local identifier negotiated for this extension.</param>
    /// <param name="sequenceNumber">The transport-wide sequence number.</param>
    /// <returns>False when the packet has no such element or it has the wrong length.</returns>
    public static bool TryRead(in RtpPacket packet, byte id, out ushort sequenceNumber)
    {
        sequenceNumber = 0;
        return packet.TryGetExtension(id, out ReadOnlySpan<byte> value) && TryRead(value, out sequenceNumber);
    }

    /// <summary>Adds the extension element to a packet being written.</summary>
    /// <param name="writer">The packet writer, before its payload.</param>
    /// <param name="id">The negotiated local identifier.</param>
    /// <param name="sequenceNumber">The transport-wide sequence number.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryAdd(ref RtpPacketWriter writer, byte id, ushort sequenceNumber)
    {
        Span<byte> value = stackalloc byte[Length];
        BinaryPrimitives.WriteUInt16BigEndian(value, sequenceNumber);
        return writer.TryAddExtension(id, value);
    }
}
