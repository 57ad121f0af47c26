using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>Writes the common RTCP header.</summary>
internal static class RtcpHeaderWriter
{
    /// <param name="destination">Where the packet starts.</param>
    /// <param name="count">The 5-bit count or FMT field.</param>
    /// <param name="type">The packet type.</param>
    /// <param name="packetLength">Total packet length in bytes, a multiple of 4.</param>
    internal static void Write(Span<byte> destination, int count, RtcpPacketType type, int packetLength)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((packetLength / 4) - 1));
    }

    internal static int Align4(int length) => (length + 3) & ~3;
}
