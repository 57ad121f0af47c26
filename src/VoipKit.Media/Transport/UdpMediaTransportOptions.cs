using System.Net;

namespace VoipKit.Media.Transport;

/// <summary>Settings of a <see cref="UdpMediaTransport"/>.</summary>
public sealed class UdpMediaTransportOptions
{
    /// <summary>
    /// The address and port to bind. Default <see cref="IPAddress.Any"/> port 0 (any free port).
    /// <see cref="IPAddress.IPv6Any"/> binds a dual-stack socket that also serves IPv4 peers.
    /// </summary>
    public IPEndPoint LocalEndPoint { get; init; } = new(IPAddress.Any, 0);

    /// <summary>Where to send, when known from signalling; can be changed later with <see cref="UdpMediaTransport.RemoteEndPoint"/>.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>
    /// Symmetric RTP (RFC 4961) latching: when true, a valid RTP/RTCP packet from another source
    /// than the remote endpoint makes that source the remote (for peers behind NATs whose
    /// signalled address is not what the network shows). When false (the default) such packets
    /// are dropped and counted. Latching trusts the first packet from a new source: SRTP still
    /// rejects forged content, but a forger could divert our sending; ICE is the safer way.
    /// </summary>
    public bool LatchRemote { get; init; }

    /// <summary>The largest datagram accepted, in bytes; longer ones are dropped and counted. Default 1500.</summary>
    public int MaxPacketBytes { get; init; } = 1500;

    /// <summary>The socket's kernel receive buffer in bytes; 0 leaves the system default. Default 256 KB.</summary>
    public int SocketReceiveBufferBytes { get; init; } = 256 * 1024;
}
