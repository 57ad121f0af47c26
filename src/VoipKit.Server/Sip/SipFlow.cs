using System.Net;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>
/// Where a message came from or goes to: a transport of the server and the remote endpoint (the UDP source address and
/// port, or the TCP connection's remote end). Requests for a binding go back over the flow its REGISTER came on, which
/// is what reaches a client behind a NAT or on a TCP connection it opened.
/// </summary>
internal readonly record struct SipFlow(SipTransportProtocol Protocol, IPEndPoint RemoteEndPoint)
{
    public override string ToString() => Protocol + ":" + RemoteEndPoint;
}
