namespace VoipKit.Media.Rtcp;

/// <summary>Enumerates the packets of a validated compound packet.</summary>
public ref struct RtcpPacketEnumerator
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _offset;
    private RtcpPacket _current;

    internal RtcpPacketEnumerator(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
        _offset = 0;
        _current = default;
    }

    /// <summary>The current packet.</summary>
    public readonly RtcpPacket Current => _current;

    /// <summary>Moves to the next packet.</summary>
    /// <returns>False after the last packet.</returns>
    public bool MoveNext()
    {
        if (_offset >= _datagram.Length || RtcpCompoundPacket.ReadOne(_datagram, _offset, out int length, out int padding) != RtcpReadResult.Ok)
        {
            return false;
        }

        _current = new RtcpPacket(_datagram.Slice(_offset, length), padding);
        _offset += length;
        return true;
    }
}
