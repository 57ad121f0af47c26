using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>
/// The hook for relayed candidates (a TURN client plugs in here). Each allocation is presented as a datagram
/// transport: <see cref="IDatagramTransport.SendAsync"/> to a peer goes through the relay (Send indication or
/// ChannelData, creating permissions as needed) and <see cref="IDatagramTransport.ReceiveAsync"/> yields what peers
/// sent to the relayed address, with the peer as the sender. The agent then treats it like any other base.
/// </summary>
internal interface IRelayedCandidateSource
{
    /// <summary>Allocates (or returns existing) relays; an empty list when none could be had.</summary>
    ValueTask<IReadOnlyList<IceRelayedBase>> GetRelayedBasesAsync(CancellationToken cancellationToken);
}

/// <summary>One relayed base.</summary>
/// <param name="Transport">Datagrams to and from peers through the relay; <see cref="IDatagramTransport.LocalEndPoint"/> is the relayed address.</param>
/// <param name="RelatedEndPoint">The mapped (server-reflexive) address the TURN server saw, written as raddr/rport.</param>
/// <param name="ServerEndPoint">The TURN server, which goes into the foundation.</param>
internal sealed record IceRelayedBase(IDatagramTransport Transport, IPEndPoint RelatedEndPoint, IPEndPoint ServerEndPoint);
