using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>How the server core sends: over the server's transport of the flow's protocol (a test double records).</summary>
internal interface ISipServerSender
{
    /// <summary>Whether the server listens on that protocol (and so can send over it).</summary>
    bool Supports(SipTransportProtocol protocol);

    /// <summary>Whether a message to the flow would use an open connection (always true for UDP).</summary>
    bool HasConnection(SipFlow flow);

    /// <summary>Sends one message; throws the transport's exceptions on failure.</summary>
    ValueTask SendAsync(SipMessage message, SipFlow flow, CancellationToken cancellationToken);
}
