using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>
/// What the transaction layer needs from a transport: send one message to one destination. Kept this small so
/// transactions can run against a fake in tests and against any transport (UDP, TCP, TLS, WebSocket) in production.
/// </summary>
internal interface ISipMessageSender
{
    /// <summary>Whether the transport is reliable (TCP, TLS, WS): then transactions never retransmit (RFC 3261 17).</summary>
    bool IsReliable { get; }

    /// <summary>Sends a message. A failure is thrown and reported to the TU as a transport error.</summary>
    ValueTask SendAsync(SipMessage message, EndPoint destination, CancellationToken cancellationToken);
}
