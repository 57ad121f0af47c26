using System.Net;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Ice;

/// <summary>How a <see cref="TurnRelayedCandidateSource"/> allocates: the local address, the time allowed per server, the relays' limits.</summary>
internal sealed record TurnRelayedCandidateSourceOptions
{
    /// <summary>
    /// The local IP each TURN client's socket binds to (port 0), for the servers of its address family; the others are
    /// left out. Null: <see cref="IPAddress.Any"/> for IPv4 servers, <see cref="IPAddress.IPv6Any"/> for IPv6 ones.
    /// </summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>How long a server may take to grant an allocation (authentication round trips included) before it is left out. Default 3 s.</summary>
    public TimeSpan AllocateTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Receive queue, datagram size and request timeout of each relay.</summary>
    public TurnRelayTransportOptions Relay { get; init; } = new();

    /// <summary>
    /// For tests: makes the TURN client's socket from (local end point, server). Null: a <see cref="UdpDatagramTransport"/>
    /// bound to the local end point. A transport that is <see cref="IDisposable"/> is disposed with its relay.
    /// </summary>
    internal Func<IPEndPoint, IPEndPoint, IDatagramTransport>? TransportFactory { get; init; }

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AllocateTimeout, TimeSpan.Zero, nameof(AllocateTimeout));
        ArgumentNullException.ThrowIfNull(Relay, nameof(Relay));
        Relay.Validate();
    }
}
