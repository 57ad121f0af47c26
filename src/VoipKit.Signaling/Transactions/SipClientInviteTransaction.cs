using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>
/// Client INVITE transaction (RFC 3261 17.1.1 with RFC 6026): timer A doubles without cap, B times out, a non-2xx
/// final is acknowledged here and D absorbs its retransmissions, a 2xx moves to Accepted where timer M lets later 2xx
/// (from forks or retransmissions) reach the TU, which acknowledges them itself.
/// </summary>
internal sealed class SipClientInviteTransaction : SipClientTransaction
{
    private readonly TimerSlot _a;
    private readonly TimerSlot _b;
    private readonly TimerSlot _end;
    private readonly TimerSlot _c;
    private TimeSpan _interval;
    private SipRequest? _ack;
    private bool _provisionalSeen;
    private bool _cancelling;
    private TaskCompletionSource<SipTransactionResult>? _cancelResult;
    private bool _cancelSent;

    internal SipClientInviteTransaction(SipTransactionLayer layer, SipRequest request, EndPoint destination, string key, Action<SipResponse>? onResponse)
        : base(layer, request, destination, key, SipTransactionState.Calling, onResponse)
    {
        _a = NewTimer(OnTimerA);
        _b = NewTimer(OnTimerB);
        _end = NewTimer(OnTimerEnd);
        _c = NewTimer(OnTimerC);
    }

    internal override void Start()
    {
        lock (Gate)
        {
            if (!Reliable)
            {
                _interval = Options.T1;
                _a.Start(_interval);
            }

            _b.Start(Options.Timeout64);
        }

        Send(Request);
    }

    /// <summary>
    /// Cancels the pending INVITE (RFC 3261 9.1): the CANCEL, with the INVITE's branch, is its own non-INVITE client
    /// transaction. It is held back until a provisional response has arrived, and not sent at all once a final
    /// response arrived (result <see cref="SipTransactionOutcome.NotSent"/>). The INVITE then normally gets 487; if no
    /// final response comes within 64*T1 the INVITE transaction ends with a timeout.
    /// </summary>
    /// <returns>The result of the CANCEL transaction.</returns>
    public Task<SipTransactionResult> CancelAsync()
    {
        TaskCompletionSource<SipTransactionResult> tcs;
        bool sendNow;
        lock (Gate)
        {
            if (_cancelResult is not null)
            {
                return _cancelResult.Task;
            }

            if (CurrentState is not (SipTransactionState.Calling or SipTransactionState.Proceeding))
            {
                return Task.FromResult(SipTransactionResult.NotSent);
            }

            tcs = new TaskCompletionSource<SipTransactionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _cancelResult = tcs;
            _cancelling = true;
            _b.Start(Options.Timeout64);
            sendNow = _provisionalSeen;
            _cancelSent = sendNow;
        }

        if (sendNow)
        {
            SendCancel(tcs);
        }

        return tcs.Task;
    }

    internal override void OnResponse(SipResponse response)
    {
        SipMessage? toSend = null;
        bool notifyTu = false;
        bool complete = false;
        TaskCompletionSource<SipTransactionResult>? sendCancel = null;
        TaskCompletionSource<SipTransactionResult>? cancelNotSent = null;
        lock (Gate)
        {
            switch (CurrentState)
            {
                case SipTransactionState.Calling or SipTransactionState.Proceeding when response.StatusCode < 200:
                    CurrentState = SipTransactionState.Proceeding;
                    _a.Stop();
                    if (!_cancelling)
                    {
                        _b.Stop(); // RFC 3261 figure 5: B only runs in Calling; a CANCEL re-arms it (9.1).
                    }

                    _provisionalSeen = true;
                    _c.Start(Options.InviteProceedingTimeout);
                    if (_cancelResult is not null && !_cancelSent)
                    {
                        _cancelSent = true;
                        sendCancel = _cancelResult;
                    }

                    notifyTu = true;
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding:
                    _a.Stop();
                    _b.Stop();
                    _c.Stop();
                    if (_cancelResult is not null && !_cancelSent)
                    {
                        _cancelSent = true;
                        cancelNotSent = _cancelResult;
                    }

                    complete = true;
                    if (response.StatusCode < 300)
                    {
                        CurrentState = SipTransactionState.Accepted;
                        _end.Start(Options.Timeout64); // timer M
                    }
                    else
                    {
                        CurrentState = SipTransactionState.Completed;
                        _ack = SipTransactionMessages.BuildAck(Request, response);
                        toSend = _ack;
                        if (Reliable)
                        {
                            TerminateLocked();
                        }
                        else
                        {
                            _end.Start(Options.TimerD);
                        }
                    }

                    break;
                case SipTransactionState.Completed when response.StatusCode >= 300:
                    toSend = _ack; // the final was retransmitted: our ACK was lost
                    break;
                case SipTransactionState.Accepted when response.StatusCode is >= 200 and < 300:
                    notifyTu = true; // RFC 6026 7.2: further 2xx go to the TU
                    break;
                default:
                    break;
            }
        }

        if (toSend is not null)
        {
            Send(toSend);
        }

        if (complete)
        {
            Complete(new SipTransactionResult(SipTransactionOutcome.Response, response));
        }

        if (notifyTu)
        {
            NotifyTu(response);
        }

        if (sendCancel is not null)
        {
            SendCancel(sendCancel);
        }

        cancelNotSent?.TrySetResult(SipTransactionResult.NotSent);
    }

    private void SendCancel(TaskCompletionSource<SipTransactionResult> tcs)
    {
        SipRequest cancel = SipTransactionMessages.BuildCancel(Request);
        SipClientTransaction tx = Layer.StartClientTransaction(cancel, RemoteEndPoint, null, bypassLimit: true);
        _ = tx.Completion.ContinueWith(t => tcs.TrySetResult(t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnTimerA()
    {
        lock (Gate)
        {
            if (CurrentState != SipTransactionState.Calling)
            {
                return;
            }

            _interval *= 2;
            _a.Start(_interval);
        }

        Send(Request);
    }

    private void OnTimerB()
    {
        TaskCompletionSource<SipTransactionResult>? cancelNotSent = null;
        lock (Gate)
        {
            if (CurrentState is not (SipTransactionState.Calling or SipTransactionState.Proceeding))
            {
                return;
            }

            if (_cancelResult is not null && !_cancelSent)
            {
                _cancelSent = true;
                cancelNotSent = _cancelResult;
            }

            TerminateLocked();
        }

        cancelNotSent?.TrySetResult(SipTransactionResult.NotSent);
        Complete(SipTransactionResult.TimedOut);
        Layer.ReportFailure(this, SipTransactionResult.TimedOut);
    }

    private void OnTimerC()
    {
        if (State == SipTransactionState.Proceeding)
        {
            _ = CancelAsync(); // its result reaches the TU through Completion (487, or a timeout 64*T1 later)
        }
    }

    private void OnTimerEnd()
    {
        lock (Gate)
        {
            TerminateLocked();
        }
    }
}
