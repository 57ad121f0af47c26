namespace VoipKit.Media.Transport;

/// <summary>Counters of a <see cref="UdpMediaTransport"/>.</summary>
public sealed record UdpMediaTransportStatistics
{
    /// <summary>Datagrams sent.</summary>
    public required long PacketsSent { get; init; }

    /// <summary>Bytes sent (UDP payload).</summary>
    public required long BytesSent { get; init; }

    /// <summary>Packets <see cref="UdpMediaTransport.Send"/> could not send: no remote endpoint yet, or the socket refused.</summary>
    public required long SendFailures { get; init; }

    /// <summary>RTP packets handed on.</summary>
    public required long RtpPacketsReceived { get; init; }

    /// <summary>RTCP packets handed on.</summary>
    public required long RtcpPacketsReceived { get; init; }

    /// <summary>Bytes received in the packets handed on.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Datagrams dropped because they came from another source than the remote endpoint (latching off).</summary>
    public required long WrongSourceDrops { get; init; }

    /// <summary>Datagrams dropped because they are not RTP or RTCP (too short, wrong version, STUN/DTLS, too long).</summary>
    public required long MalformedDrops { get; init; }

    /// <summary>Times the remote endpoint was learnt from or switched to a packet's source (symmetric RTP latching).</summary>
    public required long RemoteLatches { get; init; }

    /// <summary>Socket errors seen by the receive loop (for example ICMP port unreachable reports), which it survives.</summary>
    public required long ReceiveErrors { get; init; }
}
