using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>Server non-INVITE transaction (RFC 3261 17.2.2): timer J keeps the final response for retransmissions.</summary>
internal sealed class SipServerNonInviteTransaction : SipServerTransaction
{
    private readonly TimerSlot _j;

    internal SipServerNonInviteTransaction(SipTransactionLayer layer, SipRequest request, EndPoint source, string key)
        : base(layer, request, source, key, SipTransactionState.Trying)
    {
        _j = NewTimer(OnTimerJ);
    }

    public override void SendResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (Gate)
        {
            if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                throw new InvalidOperationException("The transaction already sent its final response.");
            }

            if (response.StatusCode < 200)
            {
                CurrentState = SipTransactionState.Proceeding;
                LastProvisional = response;
            }
            else
            {
                CurrentState = SipTransactionState.Completed;
                FinalResponse = response;
                if (Reliable)
                {
                    TerminateLocked();
                }
                else
                {
                    _j.Start(Options.Timeout64);
                }
            }
        }

        Send(response);
        if (response.StatusCode >= 200 && Reliable)
        {
            Complete(new SipTransactionResult(SipTransactionOutcome.Response, response));
        }
    }

    internal override void OnRetransmission()
    {
        SipResponse? resend;
        lock (Gate)
        {
            // Trying: absorbed (the TU has the request already).
            resend = CurrentState switch
            {
                SipTransactionState.Proceeding => LastProvisional,
                SipTransactionState.Completed => FinalResponse,
                _ => null,
            };
        }

        if (resend is not null)
        {
            Send(resend);
        }
    }

    private void OnTimerJ()
    {
        SipResponse? final;
        lock (Gate)
        {
            final = FinalResponse;
            TerminateLocked();
        }

        Complete(new SipTransactionResult(SipTransactionOutcome.Response, final));
    }
}
