using System.Globalization;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// The UAS half of a dialog: answers the peer's in-dialog requests (RFC 3261 12.2.2, 14.2; RFC 3311; RFC 4028) and
/// retransmits this side's INVITE 2xx until the ACK arrives.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The cancellation source lives only while the peer's offer is pending and is disposed when it is answered.")]
internal sealed partial class SipDialogServer
{
    private readonly SipDialog _dialog;
    private readonly SipUserAgent _ua;
    private readonly Lock _gate = new();
    private uint? _remoteSeq;
    private SipAckWaiter? _ackWaiter;
    private uint _ackSeq;
    private bool _remoteOfferPending;
    private SipServerTransaction? _offerTransaction;
    private CancellationTokenSource? _offerCancel;

    public SipDialogServer(SipDialog dialog, SipUserAgent ua, uint? remoteSequence)
    {
        _dialog = dialog;
        _ua = ua;
        _remoteSeq = remoteSequence;
    }

    /// <summary>While a 2xx of ours waits for its ACK: completes true on the ACK, false on timeout.</summary>
    public Task<bool>? PendingAck
    {
        get
        {
            lock (_gate)
            {
                return _ackWaiter is { Completion.IsCompleted: false } w ? w.Completion : null;
            }
        }
    }

    /// <summary>True while the peer's re-INVITE or UPDATE offer waits for our answer.</summary>
    public bool RemoteOfferPending
    {
        get
        {
            lock (_gate)
            {
                return _remoteOfferPending;
            }
        }
    }

    /// <summary>
    /// Sends a 2xx to an INVITE through its transaction and resends it until the ACK (RFC 3261 13.3.1.4). Throws
    /// <see cref="InvalidOperationException"/> when the transaction already has a final response (a CANCEL won the race);
    /// nothing is then left waiting.
    /// </summary>
    public void SendInvite2xx(SipServerInviteTransaction transaction, SipResponse ok)
    {
        var waiter = new SipAckWaiter(
            _ua.Time,
            _ua.Options.Transactions,
            () => _ua.SendDirect(ok, transaction.RemoteEndPoint),
            () => _ = _dialog.HangUpAsync(SipDialogEndReason.AckTimeout, null));
        SipAckWaiter? previous;
        uint previousSeq;
        lock (_gate)
        {
            // Registered before the 2xx leaves: the ACK can come back before this thread runs again.
            previous = _ackWaiter;
            previousSeq = _ackSeq;
            _ackWaiter = waiter;
            _ackSeq = ok.CSeq?.Number ?? 0;
        }

        try
        {
            transaction.SendResponse(ok);
        }
        catch (InvalidOperationException)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_ackWaiter, waiter))
                {
                    _ackWaiter = previous;
                    _ackSeq = previousSeq;
                }
            }

            waiter.Dispose();
            throw;
        }

        previous?.Dispose();
        waiter.Start(); // no-op when the ACK already came
    }

    /// <summary>The peer cancelled its re-INVITE: 487 unless we answered already, and the offer handler is told (RFC 3261 9.2).</summary>
    public bool OnCancel(SipServerInviteTransaction invite)
    {
        CancellationTokenSource? cancel;
        lock (_gate)
        {
            if (!ReferenceEquals(_offerTransaction, invite))
            {
                return false;
            }

            cancel = _offerCancel;
        }

        Respond(invite, 487);
        try
        {
            cancel?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The offer was answered meanwhile: nothing left to cancel.
        }

        return true;
    }

    public void OnAck(SipRequest ack)
    {
        SipAckWaiter? waiter;
        lock (_gate)
        {
            waiter = ack.CSeq?.Number == _ackSeq ? _ackWaiter : null;
        }

        if (waiter is not null && waiter.Acknowledge())
        {
            if (SipBody.From(ack) is { } answer)
            {
                _dialog.RemoteBody = answer; // the answer to the offer our 2xx carried (late offer)
            }

            _dialog.Confirm();
        }
    }

    public void OnRequest(SipServerTransaction transaction)
    {
        SipRequest request = transaction.Request;
        uint cseq = request.CSeq?.Number ?? 0;
        bool outOfOrder;
        lock (_gate)
        {
            outOfOrder = _remoteSeq is { } last && cseq < last;
            if (!outOfOrder)
            {
                _remoteSeq = cseq;
            }
        }

        if (outOfOrder)
        {
            Respond(transaction, 500); // RFC 3261 12.2.2
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                Respond(transaction, 200);
                SipServerTransaction? pending;
                lock (_gate)
                {
                    pending = _offerTransaction;
                }

                if (pending is SipServerInviteTransaction { IsPending: true } reinvite)
                {
                    Respond(reinvite, 487); // RFC 3261 15.1.2: a BYE ends the pending re-INVITE too
                }

                _dialog.End(new SipDialogEnd(SipDialogEndReason.RemoteHangup));
                break;
            case SipMethods.Invite:
                OnOffer((SipServerInviteTransaction)transaction, isInvite: true);
                break;
            case SipMethods.Update:
                OnOffer(transaction, isInvite: false);
                break;
            case SipMethods.Options:
                SipResponse ok = _ua.Factory.CreateResponse(request, 200, null, transaction.RemoteEndPoint, withContact: false);
                ok.AddHeader("Accept", SipBody.SdpContentType);
                transaction.SendResponse(ok);
                break;
            default:
                Respond(transaction, 405);
                break;
        }
    }

    public void Close()
    {
        SipAckWaiter? waiter;
        lock (_gate)
        {
            waiter = _ackWaiter;
        }

        // A pending ACK wait ends quietly: the dialog is over anyway.
        waiter?.Dispose();
    }

    private void OnOffer(SipServerTransaction transaction, bool isInvite)
    {
        bool hasOffer = isInvite || !transaction.Request.Body.IsEmpty;
        bool ourOfferInFlight = hasOffer && _dialog.OfferInFlight; // read outside our lock: the dialog locks the other way round
        bool glare;
        bool busy;
        lock (_gate)
        {
            // A second offer of the peer while its first is unanswered, or a re-INVITE before the ACK of the previous
            // one, gets 500 with Retry-After (14.2, RFC 3311 5.2); an offer crossing ours gets 491.
            busy = _remoteOfferPending || (isInvite && _ackWaiter is { Completion.IsCompleted: false });
            glare = !busy && ourOfferInFlight;
            if (!glare && !busy)
            {
                _remoteOfferPending = true;
                _offerTransaction = transaction;
                _offerCancel = new CancellationTokenSource();
            }
        }

        if (glare)
        {
            Respond(transaction, 491);
        }
        else if (busy)
        {
            SipResponse retry = _ua.Factory.CreateResponse(transaction.Request, 500, null, transaction.RemoteEndPoint, withContact: false);
            retry.AddHeader(SipHeaderNames.RetryAfter, Random.Shared.Next(0, 11).ToString(CultureInfo.InvariantCulture));
            transaction.SendResponse(retry);
        }
        else
        {
            _ = AnswerOfferAsync(transaction, isInvite);
        }
    }

    private async Task AnswerOfferAsync(SipServerTransaction transaction, bool isInvite)
    {
        // Off the transport's receive loop: the application's handler may take its time.
        await Task.Yield();
        SipRequest request = transaction.Request;
        CancellationToken cancelled;
        lock (_gate)
        {
            cancelled = _offerCancel?.Token ?? CancellationToken.None;
        }

        try
        {
            SipSessionTimer.SessionAnswer session = SipSessionTimer.Answer(request, _ua.Options);
            if (session.StatusCode == 422)
            {
                SipResponse tooSmall = _ua.Factory.CreateResponse(request, 422, null, transaction.RemoteEndPoint, withContact: false);
                tooSmall.AddHeader(SipHeaderNames.MinSE, SipSessionTimer.Seconds(_ua.Options.MinSessionExpires));
                transaction.SendResponse(tooSmall);
                return;
            }

            SipBody? offer = SipBody.From(request);
            SipBody? answer;
            if (offer is null)
            {
                answer = isInvite ? _dialog.LocalBody : null; // an INVITE without offer gets ours in the 2xx
            }
            else if (_dialog.OfferReceived is { } handler)
            {
                answer = await handler(offer, cancelled).ConfigureAwait(false);
                if (answer is null)
                {
                    Respond(transaction, 488);
                    return;
                }
            }
            else
            {
                answer = _dialog.LocalBody;
            }

            if (cancelled.IsCancellationRequested || transaction is SipServerInviteTransaction { IsPending: false })
            {
                return; // the peer cancelled its re-INVITE (answered 487): the session stays as it was
            }

            _dialog.UpdateTarget(request);
            SipResponse ok = _ua.Factory.CreateResponse(request, 200, null, transaction.RemoteEndPoint, withContact: true, answer);
            SipSessionTimer.AddResponseHeaders(ok, session);
            _dialog.ApplySessionTimer(session);
            if (offer is not null)
            {
                _dialog.RemoteBody = offer;
                _dialog.LocalBody = answer;
            }

            if (isInvite)
            {
                SendInvite2xx((SipServerInviteTransaction)transaction, ok);
            }
            else
            {
                transaction.SendResponse(ok);
            }
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            // The handler gave up because the peer cancelled: 487 was sent.
        }
        catch (InvalidOperationException) when (transaction.HasFinalResponse)
        {
            // A CANCEL won the race against our 2xx: the 487 stands and nothing waits for an ACK.
        }
#pragma warning disable CA1031 // The offer handler is application code: its failure is logged and answered with 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogOfferFailed(_ua.Logger, _dialog.CallId, ex);
            Respond(transaction, 500);
        }
        finally
        {
            CancellationTokenSource? done;
            lock (_gate)
            {
                _remoteOfferPending = false;
                _offerTransaction = null;
                done = _offerCancel;
                _offerCancel = null;
            }

            done?.Dispose();
        }
    }

    private void Respond(SipServerTransaction transaction, int statusCode)
    {
        SipResponse response = _ua.Factory.CreateResponse(transaction.Request, statusCode, null, transaction.RemoteEndPoint, withContact: false);
        try
        {
            transaction.SendResponse(response);
        }
        catch (InvalidOperationException)
        {
            // Already answered (for example a handler failed after its 2xx went out): nothing more to say.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dialog {CallId}: the offer handler failed; answered 500")]
    private static partial void LogOfferFailed(ILogger logger, string callId, Exception exception);
}
