using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>
/// Sends and receives SIP messages over one protocol on one local endpoint. Inbound messages go to the
/// <see cref="SipMessageHandler"/> given at construction once <see cref="StartAsync"/> has been called.
/// </summary>
public interface ISipTransport : IAsyncDisposable
{
    /// <summary>The protocol.</summary>
    SipTransportProtocol Protocol { get; }

    /// <summary>Whether the protocol is reliable (TCP, TLS): transactions skip retransmissions (RFC 3261 17.1.1.2).</summary>
    bool IsReliable { get; }

    /// <summary>The bound local endpoint (with the real port when port 0 was asked for).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Counters of what was received, dropped and rejected.</summary>
    SipTransportStatistics Statistics { get; }

    /// <summary>Binds (or starts listening) and starts the receive loop.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the transport is receiving.</returns>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Serializes and sends one message to <paramref name="remote"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="remote">The destination; stream transports reuse a connection to it or open one.</param>
    /// <param name="cancellationToken">Cancels the send (and a connection attempt).</param>
    /// <returns>A task that completes when the bytes were handed to the socket.</returns>
    ValueTask SendAsync(SipMessage message, EndPoint remote, CancellationToken cancellationToken = default);
}
