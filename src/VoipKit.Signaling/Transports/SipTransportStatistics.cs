namespace VoipKit.Signaling.Transports;

/// <summary>Thread-safe counters kept by a transport.</summary>
public sealed class SipTransportStatistics
{
    private long _messagesReceived;
    private long _messagesSent;
    private long _malformedDropped;
    private long _oversizedDropped;
    private long _rejectedWith400;
    private long _handlerFailures;
    private long _connectionsRejected;
    private long _connectionsClosedForErrors;
    private long _idleConnectionsClosed;
    private long _tlsHandshakeFailures;

    /// <summary>Well-formed messages handed to the handler.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Messages sent.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Datagrams or stream frames that did not parse as SIP and were dropped.</summary>
    public long MalformedDropped => Interlocked.Read(ref _malformedDropped);

    /// <summary>Messages over the size limit that were dropped (for streams the connection is closed too).</summary>
    public long OversizedDropped => Interlocked.Read(ref _oversizedDropped);

    /// <summary>Malformed requests answered with 400 (or 505) built from their readable fields.</summary>
    public long RejectedWith400 => Interlocked.Read(ref _rejectedWith400);

    /// <summary>Handler calls that threw.</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>Inbound connections refused because the connection cap was reached.</summary>
    public long ConnectionsRejected => Interlocked.Read(ref _connectionsRejected);

    /// <summary>Connections closed because of a framing error, an oversized message or a buffering limit.</summary>
    public long ConnectionsClosedForErrors => Interlocked.Read(ref _connectionsClosedForErrors);

    /// <summary>Connections closed by idle cleanup.</summary>
    public long IdleConnectionsClosed => Interlocked.Read(ref _idleConnectionsClosed);

    /// <summary>Inbound or outbound TLS handshakes that failed (the connection was closed).</summary>
    public long TlsHandshakeFailures => Interlocked.Read(ref _tlsHandshakeFailures);

    internal void OnReceived() => Interlocked.Increment(ref _messagesReceived);

    internal void OnSent() => Interlocked.Increment(ref _messagesSent);

    internal void OnMalformed() => Interlocked.Increment(ref _malformedDropped);

    internal void OnOversized() => Interlocked.Increment(ref _oversizedDropped);

    internal void OnRejectedWith400() => Interlocked.Increment(ref _rejectedWith400);

    internal void OnHandlerFailure() => Interlocked.Increment(ref _handlerFailures);

    internal void OnConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);

    internal void OnConnectionClosedForError() => Interlocked.Increment(ref _connectionsClosedForErrors);

    internal void OnIdleConnectionClosed() => Interlocked.Increment(ref _idleConnectionsClosed);

    internal void OnTlsHandshakeFailure() => Interlocked.Increment(ref _tlsHandshakeFailures);
}
