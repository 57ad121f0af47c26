namespace VoipKit.Signaling.Transports;

/// <summary>
/// Receives each well-formed inbound message. Called from the transport's receive loop: return quickly (queue long work),
/// since the next message on the same socket or connection waits for it. An exception thrown here is logged and counted,
/// and does not stop the receive loop.
/// </summary>
/// <param name="message">The received message with its remote endpoint and the transport it came on.</param>
/// <param name="cancellationToken">Cancelled when the transport is disposed.</param>
/// <returns>A task that completes when the message has been handled.</returns>
public delegate ValueTask SipMessageHandler(SipReceivedMessage message, CancellationToken cancellationToken);
