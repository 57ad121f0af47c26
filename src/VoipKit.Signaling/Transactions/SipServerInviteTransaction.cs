using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>
/// Server INVITE transaction (RFC 3261 17.2.1 with RFC 6026): 100 Trying when the TU is slow, a non-2xx final is
/// retransmitted on timer G until the ACK (timer H gives up, timer I absorbs ACK copies), a 2xx moves to Accepted where
/// timer L absorbs INVITE retransmissions while the TU retransmits its 2xx itself.
/// </summary>
internal sealed class SipServerInviteTransaction : SipServerTransaction
{
    private readonly TimerSlot _trying;
    private readonly TimerSlot _g;
    private readonly TimerSlot _h;
    private readonly TimerSlot _end;
    private TimeSpan _interval;

    internal SipServerInviteTransaction(SipTransactionLayer layer, SipRequest request, EndPoint source, string key)
        : base(layer, request, source, key, SipTransactionState.Proceeding)
    {
        _trying = NewTimer(OnTryingTimer);
        _g = NewTimer(OnTimerG);
        _h = NewTimer(OnTimerH);
        _end = NewTimer(OnTimerEnd);
    }

    /// <summary>Whether the INVITE is still pending (no final response), so a CANCEL applies to it.</summary>
    public bool IsPending => State == SipTransactionState.Proceeding;

    public override void SendResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (Gate)
        {
            switch (CurrentState)
            {
                case SipTransactionState.Proceeding when response.StatusCode < 200:
                    LastProvisional = response;
                    _trying.Stop();
                    break;
                case SipTransactionState.Proceeding when response.StatusCode < 300:
                    CurrentState = SipTransactionState.Accepted;
                    FinalResponse = response;
                    _trying.Stop();
                    _end.Start(Options.Timeout64); // timer L
                    break;
                case SipTransactionState.Proceeding:
                    CurrentState = SipTransactionState.Completed;
                    FinalResponse = response;
                    _trying.Stop();
                    if (!Reliable)
                    {
                        _interval = Options.T1;
                        _g.Start(_interval);
                    }

                    _h.Start(Options.Timeout64);
                    break;
                case SipTransactionState.Accepted when response.StatusCode is >= 200 and < 300:
                    break; // RFC 6026 8.5: the TU's 2xx retransmissions pass through
                default:
                    throw new InvalidOperationException("The transaction already sent its final response.");
            }
        }

        Send(response);
    }

    internal override void Start()
    {
        lock (Gate)
        {
            _trying.Start(Options.TryingDelay);
        }
    }

    internal override void OnRetransmission()
    {
        SipResponse? resend;
        lock (Gate)
        {
            // Accepted (RFC 6026 8.6) and Confirmed absorb silently.
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

    /// <summary>An ACK matched this transaction (the ACK for our non-2xx final).</summary>
    internal void OnAck()
    {
        SipResponse? final = null;
        lock (Gate)
        {
            if (CurrentState != SipTransactionState.Completed)
            {
                return; // Confirmed: ACK copies absorbed
            }

            CurrentState = SipTransactionState.Confirmed;
            _g.Stop();
            _h.Stop();
            if (Reliable)
            {
                final = FinalResponse;
                TerminateLocked();
            }
            else
            {
                _end.Start(Options.T4); // timer I
            }
        }

        if (final is not null)
        {
            Complete(new SipTransactionResult(SipTransactionOutcome.Response, final));
        }
    }

    private void OnTryingTimer()
    {
        SipResponse? trying = null;
        lock (Gate)
        {
            if (CurrentState == SipTransactionState.Proceeding && LastProvisional is null)
            {
                trying = SipTransactionMessages.CreateResponse(Request, 100);
                LastProvisional = trying;
            }
        }

        if (trying is not null)
        {
            Send(trying);
        }
    }

    private void OnTimerG()
    {
        SipResponse? final;
        lock (Gate)
        {
            if (CurrentState != SipTransactionState.Completed)
            {
                return;
            }

            _interval = _interval * 2 < Options.T2 ? _interval * 2 : Options.T2;
            _g.Start(_interval);
            final = FinalResponse;
        }

        if (final is not null)
        {
            Send(final);
        }
    }

    private void OnTimerH()
    {
        lock (Gate)
        {
            if (CurrentState != SipTransactionState.Completed)
            {
                return;
            }

            TerminateLocked();
        }

        Complete(SipTransactionResult.TimedOut);
        Layer.ReportFailure(this, SipTransactionResult.TimedOut);
    }

    private void OnTimerEnd()
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
