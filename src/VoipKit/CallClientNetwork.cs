using System.Net;
using System.Net.NetworkInformation;
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

    /// <summary>Calls the handler when the machine's addresses change (a phone leaving Wi-Fi); disposing stops it.</summary>
    public Func<Action, IDisposable> WatchAddressChanges { get; init; } = handler => new AddressChangeSubscription(handler);

    /// <summary>The local addresses to offer host candidates on, or null to take them from the options and the interfaces.</summary>
    public IReadOnlyList<IPAddress>? HostAddresses { get; init; }

    // The static NetworkChange event, unsubscribed when the client stops (no handler outlives its client).
    private sealed class AddressChangeSubscription : IDisposable
    {
        private readonly NetworkAddressChangedEventHandler _handler;

        public AddressChangeSubscription(Action handler)
        {
            _handler = (_, _) => handler();
            NetworkChange.NetworkAddressChanged += _handler;
        }

        public void Dispose() => NetworkChange.NetworkAddressChanged -= _handler;
    }
}
