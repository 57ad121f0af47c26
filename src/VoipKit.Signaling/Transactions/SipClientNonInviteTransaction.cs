using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>Client non-INVITE transaction (RFC 3261 17.1.2): timers E (retransmit, capped at T2), F (timeout) and K.</summary>
internal sealed class SipClientNonInviteTransaction : SipClientTransaction
{
    private readonly TimerSlot _e;
    private readonly TimerSlot _f;
    private readonly TimerSlot _k;
    private TimeSpan _interval;

    internal SipClientNonInviteTransaction(SipTransactionLayer layer, SipRequest request, EndPoint destination, string key, Action<SipResponse>? onResponse)
        : base(layer, request, destination, key, SipTransactionState.Trying, onResponse)
    {
        _e = NewTimer(OnTimerE);
        _f = NewTimer(OnTimerF);
        _k = NewTimer(OnTimerK);
    }

    internal override void Start()
    {
        lock (Gate)
        {
            if (!Reliable)
            {
                _interval = Options.T1;
                _e.Start(_interval);
            }

            _f.Start(Options.Timeout64);
        }

        Send(Request);
    }

    internal override void OnResponse(SipResponse response)
    {
        bool notify = false;
        lock (Gate)
        {
            if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return; // Completed: retransmitted finals are absorbed.
            }

            if (response.StatusCode < 200)
            {
                CurrentState = SipTransactionState.Proceeding;
                notify = true;
            }
            else
            {
                CurrentState = SipTransactionState.Completed;
                _e.Stop();
                _f.Stop();
                if (Reliable)
                {
                    TerminateLocked();
                }
                else
                {
                    _k.Start(Options.T4);
                }
            }
        }

        if (notify)
        {
            NotifyTu(response);
        }
        else
        {
            Complete(new SipTransactionResult(SipTransactionOutcome.Response, response));
        }
    }

    private void OnTimerE()
    {
        lock (Gate)
        {
            if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            // Trying doubles up to T2; Proceeding retransmits every T2 (17.1.2.2).
            _interval = CurrentState == SipTransactionState.Trying ? Min(_interval * 2, Options.T2) : Options.T2;
            _e.Start(_interval);
        }

        Send(Request);
    }

    private void OnTimerF()
    {
        lock (Gate)
        {
            if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            TerminateLocked();
        }

        Complete(SipTransactionResult.TimedOut);
        Layer.ReportFailure(this, SipTransactionResult.TimedOut);
    }

    private void OnTimerK()
    {
        lock (Gate)
        {
            TerminateLocked();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
