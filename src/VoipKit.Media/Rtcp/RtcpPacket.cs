using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>
/// One RTCP packet within a compound packet, as enumerated by <see cref="RtcpCompoundPacket"/>:
/// its common header fields and its body (after the 4-byte header, without padding). A view, no copy.
/// </summary>
public readonly ref struct RtcpPacket
{
    /// <summary>Length of the common RTCP header.</summary>
    public const int HeaderLength = 4;

    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _paddingLength;

    internal RtcpPacket(ReadOnlySpan<byte> packet, int paddingLength)
    {
        _packet = packet;
        _paddingLength = paddingLength;
    }

    /// <summary>The 5-bit count field: report count, source count, or feedback message type (FMT).</summary>
    public int Count => _packet[0] & 0x1F;

    /// <summary>Whether the padding bit is set.</summary>
    public bool HasPadding => (_packet[0] & 0x20) != 0;

    /// <summary>The packet type byte (see <see cref="RtcpPacketType"/>).</summary>
    public RtcpPacketType PacketType => (RtcpPacketType)_packet[1];

    /// <summary>The body: everything after the common header, without padding.</summary>
    public ReadOnlySpan<byte> Body => _packet[HeaderLength..(_packet.Length - _paddingLength)];

    /// <summary>The whole packet, padding included.</summary>
    public ReadOnlySpan<byte> Span => _packet;

    /// <summary>The first SSRC of the body (the sender's, for every standard type but SDES and BYE); 0 when the body is shorter.</summary>
    public uint SenderSsrc => Body.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Body) : 0;
}
