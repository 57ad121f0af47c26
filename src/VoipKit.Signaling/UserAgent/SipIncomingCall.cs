using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// An INVITE that arrived for this agent and waits for an answer: ring (180/183), accept (200 with the answer, retransmitted
/// until the ACK), or reject (486, 480, 603...). A CANCEL from the caller is answered 487 by the agent and signalled
/// through <see cref="Cancelled"/>.
/// </summary>
public sealed class SipIncomingCall : IDisposable
{
    private readonly SipUserAgent _ua;
    private readonly SipServerInviteTransaction _transaction;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly Lock _gate = new();
    private readonly string _localTag = SipTransactionMessages.NewTag();
    private bool _answered;

    internal SipIncomingCall(SipUserAgent ua, SipServerInviteTransaction transaction)
    {
        _ua = ua;
        _transaction = transaction;
    }

    /// <summary>The INVITE.</summary>
    public SipRequest Request => _transaction.Request;

    /// <summary>The caller (the INVITE's From).</summary>
    public SipNameAddress? From => Request.From;

    /// <summary>Who was called (the INVITE's To).</summary>
    public SipNameAddress? To => Request.To;

    /// <summary>The caller's offer, or null for an INVITE without a body (the answer then carries our offer).</summary>
    public SipBody? Offer => SipBody.From(Request);

    /// <summary>Signalled when the caller cancelled (CANCEL, answered 487 by the agent) or the agent shut down.</summary>
    public CancellationToken Cancelled => _cancelled.Token;

    /// <summary>True once a final response was sent.</summary>
    public bool IsAnswered
    {
        get
        {
            lock (_gate)
            {
                return _answered;
            }
        }
    }

    /// <summary>Sends 180 Ringing, or 183 Session Progress when <paramref name="earlyMedia"/> is given.</summary>
    /// <param name="earlyMedia">An early answer for early media, or null.</param>
    /// <exception cref="InvalidOperationException">The call was already answered or cancelled.</exception>
    public void Ring(SipBody? earlyMedia = null)
    {
        lock (_gate)
        {
            ThrowIfAnswered();
            SipResponse ringing = _ua.Factory.CreateResponse(
                Request, earlyMedia is null ? 180 : 183, _localTag, _transaction.RemoteEndPoint, withContact: true, earlyMedia);
            _transaction.SendResponse(ringing);
        }
    }

    /// <summary>Answers with 200 OK and waits for the caller's ACK.</summary>
    /// <param name="answer">The answer to the offer (or an offer, when the INVITE had none).</param>
    /// <param name="cancellationToken">Stops waiting for the ACK; the 200 keeps being retransmitted.</param>
    /// <returns>The confirmed dialog (already ended when the caller hung up before its ACK arrived).</returns>
    /// <exception cref="InvalidOperationException">The call was already answered or cancelled.</exception>
    /// <exception cref="SipUserAgentException">No ACK came within 64*T1; the agent hung up.</exception>
    public async Task<SipDialog> AcceptAsync(SipBody? answer, CancellationToken cancellationToken = default)
    {
        SipDialog dialog;
        lock (_gate)
        {
            ThrowIfAnswered();
            SipRequest invite = Request;
            SipSessionTimer.SessionAnswer session = SipSessionTimer.Answer(invite, _ua.Options);
            SipResponse ok = _ua.Factory.CreateResponse(invite, 200, _localTag, _transaction.RemoteEndPoint, withContact: true, answer);
            SipSessionTimer.AddResponseHeaders(ok, session);
            SipNameAddress to = invite.To ?? throw new InvalidOperationException("The INVITE has no To.");
            var local = new SipNameAddress(to.Uri, to.DisplayName, [.. to.Parameters, new SipParameter("tag", _localTag)]);
            IReadOnlyList<SipNameAddress> contacts = invite.Contacts;
            SipNameAddress remote = invite.From ?? throw new InvalidOperationException("The INVITE has no From.");
            dialog = new SipDialog(
                _ua,
                isCaller: false,
                invite.CallId ?? string.Empty,
                local,
                remote,
                contacts.Count > 0 ? contacts[0].Uri : remote.Uri,
                invite.RecordRoutes, // the callee keeps Record-Route in order (RFC 3261 12.1.1)
                0,
                invite.CSeq?.Number,
                SipDialogState.WaitingForAck)
            {
                LocalBody = answer,
                RemoteBody = Offer,
            };
            dialog.UpdateTarget(invite);
            _ua.AddDialog(dialog);
            try
            {
                dialog.ApplySessionTimer(session);
                dialog.Server.SendInvite2xx(_transaction, ok);
            }
            catch
            {
                dialog.End(new SipDialogEnd(SipDialogEndReason.Shutdown));
                throw; // _answered stays false, so Abandon can still give the caller a final response
            }

            _answered = true;
        }

        _ua.Server.Answered(_transaction);
        _ua.Metrics.CallReceived("answered");

        Task<bool>? acked = dialog.Server.PendingAck;
        if (acked is not null && !await acked.WaitAsync(cancellationToken).ConfigureAwait(false) &&
            (await dialog.Ended.ConfigureAwait(false)).Reason == SipDialogEndReason.AckTimeout)
        {
            throw new SipUserAgentException("The caller never acknowledged the 200 OK; the call was hung up.");
        }

        return dialog;
    }

    /// <summary>Rejects the call.</summary>
    /// <param name="statusCode">A final status of 300 or more: 486 Busy Here, 480 Temporarily Unavailable, 603 Decline...</param>
    /// <exception cref="InvalidOperationException">The call was already answered or cancelled.</exception>
    public void Reject(int statusCode = 486)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        lock (_gate)
        {
            ThrowIfAnswered();
            _answered = true;
            _transaction.SendResponse(_ua.Factory.CreateResponse(Request, statusCode, _localTag, _transaction.RemoteEndPoint, withContact: false));
        }

        _ua.Server.Answered(_transaction);
        _ua.Metrics.CallReceived("rejected");
    }

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose() => _cancelled.Dispose();

    /// <summary>The caller sent CANCEL: answer the INVITE with 487 unless it was answered already (RFC 3261 9.2).</summary>
    internal void OnCancel()
    {
        bool cancelled = false;
        lock (_gate)
        {
            if (!_answered)
            {
                _answered = cancelled = true;
                _transaction.SendResponse(_ua.Factory.CreateResponse(Request, 487, _localTag, _transaction.RemoteEndPoint, withContact: false));
                _ua.Metrics.CallReceived("cancelled");
            }
        }

        if (cancelled)
        {
            _ua.Server.Answered(_transaction);
            Signal(); // only a call that was still ringing is cancelled; an answered one goes on
        }
    }

    /// <summary>The call can no longer be answered (the INVITE transaction ended or the agent is shutting down).</summary>
    internal void Abandon(int statusCode)
    {
        bool abandoned = false;
        lock (_gate)
        {
            if (!_answered && _transaction.IsPending)
            {
                _answered = abandoned = true;
                _transaction.SendResponse(_ua.Factory.CreateResponse(Request, statusCode, _localTag, _transaction.RemoteEndPoint, withContact: false));
            }
        }

        if (abandoned)
        {
            _ua.Server.Answered(_transaction);
            Signal();
        }
    }

    private void Signal()
    {
        try
        {
            _cancelled.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The application disposed the call already: nobody listens any more.
        }
    }

    private void ThrowIfAnswered()
    {
        if (_answered || _cancelled.IsCancellationRequested)
        {
            throw new InvalidOperationException("The call was already answered or cancelled.");
        }
    }
}
