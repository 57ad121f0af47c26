using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>A client transaction: sends a request, retransmits it on unreliable transports, and matches responses.</summary>
internal abstract class SipClientTransaction : SipTransaction
{
    private readonly Action<SipResponse>? _onResponse;

    private protected SipClientTransaction(
        SipTransactionLayer layer, SipRequest request, EndPoint destination, string key, SipTransactionState initial, Action<SipResponse>? onResponse)
        : base(layer, request, destination, key, initial)
    {
        _onResponse = onResponse;
    }

    /// <summary>Sends the request and arms the timers.</summary>
    internal abstract void Start();

    /// <summary>A response matched this transaction (RFC 3261 17.1.3).</summary>
    internal abstract void OnResponse(SipResponse response);

    /// <summary>Passes a response that does not complete the transaction (provisional, or a later 2xx) to the TU.</summary>
    private protected void NotifyTu(SipResponse response) => _onResponse?.Invoke(response);
}
