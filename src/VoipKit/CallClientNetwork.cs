using System.Net;
using VoipKit.Signaling.Transports;
using VoipKit.Transport.Stun;

namespace VoipKit;

/// <summary>
/// Where a client's sockets come from: real UDP/TCP by default; a simulated network in virtual-time tests (the SIP
/// transport, the media sockets and the local addresses are replaced together).
/// </summary>
internal sealed class CallClientNetwork
{
    public static CallClientNetwork Real { get; } = new();

    /// <summary>Makes the SIP transport, or null for the agent's own UDP/TCP/TLS transport.</summary>
    public Func<SipMessageHandler, ISipTransport>? SipTransport { get; init; }

    /// <summary>Opens a media socket on a local address (port chosen by the network).</summary>
    public Func<IPAddress, IDatagramTransport> MediaSocket { get; init; } = address => new UdpDatagramTransport(new IPEndPoint(address, 0));

    /// <summary>The local addresses to offer host candidates on, or null to take them from the options and the interfaces.</summary>
    public IReadOnlyList<IPAddress>? HostAddresses { get; init; }
}
