using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>A server transaction: the TU answers through it, and it absorbs request retransmissions.</summary>
internal abstract class SipServerTransaction : SipTransaction
{
    private protected SipServerTransaction(SipTransactionLayer layer, SipRequest request, EndPoint source, string key, SipTransactionState initial)
        : base(layer, request, source, key, initial)
    {
    }

    /// <summary>The last provisional response sent, resent when the request is retransmitted.</summary>
    private protected SipResponse? LastProvisional { get; set; }

    /// <summary>The final response sent.</summary>
    private protected SipResponse? FinalResponse { get; set; }

    /// <summary>Whether a final response has been sent.</summary>
    /// <summary>The To tag this side answered with (from its last provisional or final response), or null.</summary>
    public string? ResponseToTag
    {
        get
        {
            lock (Gate)
            {
                return (FinalResponse ?? LastProvisional)?.To?.Tag;
            }
        }
    }

    public bool HasFinalResponse
    {
        get
        {
            lock (Gate)
            {
                return FinalResponse is not null;
            }
        }
    }

    /// <summary>Sends a response from the TU (to the address the request came from).</summary>
    /// <param name="response">A response built for <see cref="SipTransaction.Request"/>.</param>
    /// <exception cref="InvalidOperationException">A final response was already sent (other than a 2xx resend to an INVITE).</exception>
    public abstract void SendResponse(SipResponse response);

    /// <summary>Builds a response to the request and sends it.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="toTag">The To tag to add when the request had none (needed on non-100 responses).</param>
    /// <returns>The response sent.</returns>
    public SipResponse Respond(int statusCode, string? toTag = null)
    {
        SipResponse response = SipTransactionMessages.CreateResponse(Request, statusCode, statusCode == 100 ? null : toTag ?? SipTransactionMessages.NewTag());
        SendResponse(response);
        return response;
    }

    /// <summary>Starts the transaction's own timers once it is in the table.</summary>
    internal virtual void Start()
    {
    }

    /// <summary>The request was retransmitted: resend the last response, if any (RFC 3261 17.2.1, 17.2.2).</summary>
    internal abstract void OnRetransmission();
}
