using System.Net;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.UserAgent;

/// <summary>Lets the transaction layer send through an <see cref="ISipTransport"/> that is created after it.</summary>
internal sealed class SipTransportSender : ISipMessageSender
{
    private ISipTransport? _transport;

    public bool IsReliable => Transport.IsReliable;

    public ISipTransport Transport => _transport ?? throw new InvalidOperationException("The user agent is not started.");

    public void Attach(ISipTransport transport) => _transport = transport;

    public ValueTask SendAsync(SipMessage message, EndPoint destination, CancellationToken cancellationToken) =>
        Transport.SendAsync(message, destination, cancellationToken);
}
