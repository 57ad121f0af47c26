using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// The UAS core of a <see cref="SipUserAgent"/> (RFC 3261 8.2): what arrives outside any transaction the agent started.
/// New requests are checked (URI scheme, Require, the user), in-dialog ones handed to their dialog (481 when it is
/// unknown), new INVITEs turned into <see cref="SipIncomingCall"/>s, CANCELs matched to calls or re-INVITEs, and ACKs and
/// late 2xx routed to their dialog.
/// </summary>
internal sealed partial class SipUserAgentServer
{
    /// <summary>Unanswered incoming calls beyond this get 503: they hold transactions for up to IncomingCallTimeout.</summary>
    internal const int MaxPendingIncomingCalls = 256;

    private readonly SipUserAgent _ua;
    private readonly Dictionary<SipServerInviteTransaction, SipIncomingCall> _incoming = [];
    private readonly Lock _gate = new();

    public SipUserAgentServer(SipUserAgent ua)
    {
        _ua = ua;
    }

    /// <summary>A new INVITE with the From tag, Call-ID and CSeq of a call still ringing here, but another branch.</summary>
    private bool IsMerged(SipRequest invite)
    {
        lock (_gate)
        {
            foreach (SipIncomingCall call in _incoming.Values)
            {
                SipRequest other = call.Request;
                if (other.CallId == invite.CallId && other.From?.Tag == invite.From?.Tag && other.CSeq?.Number == invite.CSeq?.Number)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public SipIncomingCall[] PendingCalls()
    {
        lock (_gate)
        {
            return [.. _incoming.Values];
        }
    }

    public void OnRequest(SipServerTransaction transaction)
    {
        SipRequest request = transaction.Request;
        if (!request.RequestUri.IsSip)
        {
            Respond(transaction, 416);
            return;
        }

        if (UnsupportedExtensions(request) is { } unsupported)
        {
            SipResponse bad = _ua.Factory.CreateResponse(request, 420, null, transaction.RemoteEndPoint, withContact: false);
            bad.AddHeader(SipHeaderNames.Unsupported, unsupported);
            transaction.SendResponse(bad);
            return;
        }

        if (request.To?.Tag is { } toTag)
        {
            if (_ua.FindDialog(request.CallId, toTag, request.From?.Tag) is { } dialog)
            {
                dialog.Server.OnRequest(transaction);
            }
            else
            {
                Respond(transaction, 481);
            }

            return;
        }

        switch (request.Method)
        {
            case SipMethods.Invite:
                OnNewInvite((SipServerInviteTransaction)transaction);
                break;
            case SipMethods.Options:
                SipResponse ok = _ua.Factory.CreateResponse(request, 200, null, transaction.RemoteEndPoint, withContact: true);
                ok.AddHeader("Accept", SipBody.SdpContentType);
                transaction.SendResponse(ok);
                break;
            case SipMethods.Bye or SipMethods.Update or SipMethods.Prack or SipMethods.Info:
                Respond(transaction, 481);
                break;
            default:
                Respond(transaction, 405);
                break;
        }
    }

    private static string? UnsupportedExtensions(SipRequest request)
    {
        if (request.Method is SipMethods.Ack or SipMethods.Cancel)
        {
            return null;
        }

        List<string>? unknown = null;
        foreach (string option in request.Require)
        {
            if (!option.Equals("timer", StringComparison.OrdinalIgnoreCase))
            {
                (unknown ??= []).Add(option);
            }
        }

        return unknown is null ? null : string.Join(", ", unknown);
    }

    private void OnNewInvite(SipServerInviteTransaction transaction)
    {
        SipRequest invite = transaction.Request;
        if (invite.RequestUri.UnescapedUser is { } user && _ua.Options.Identity.UnescapedUser is { } us && user != us)
        {
            Respond(transaction, 404); // RFC 3261 8.2.2.1: not for us (a scanner, or a stale binding of someone else)
            _ua.Metrics.CallReceived("refused");
            return;
        }

        SipSessionTimer.SessionAnswer session = SipSessionTimer.Answer(invite, _ua.Options);
        if (session.StatusCode == 422)
        {
            SipResponse tooSmall = _ua.Factory.CreateResponse(invite, 422, null, transaction.RemoteEndPoint, withContact: false);
            tooSmall.AddHeader(SipHeaderNames.MinSE, SipSessionTimer.Seconds(_ua.Options.MinSessionExpires));
            transaction.SendResponse(tooSmall);
            return;
        }

        if (IsMerged(invite))
        {
            Respond(transaction, 482); // RFC 3261 8.2.2.2: the same INVITE reached us over another path
            return;
        }

        Func<SipIncomingCall, CancellationToken, ValueTask>? handler = _ua.IncomingCall;
        if (handler is null)
        {
            Respond(transaction, 480);
            _ua.Metrics.CallReceived("refused");
            return;
        }

        var call = new SipIncomingCall(_ua, transaction);
        bool full;
        lock (_gate)
        {
            full = _incoming.Count >= MaxPendingIncomingCalls;
            if (!full)
            {
                _incoming[transaction] = call;
            }
        }

        if (full)
        {
            // A flood of INVITEs must not fill the transaction table that BYEs and refreshes need.
            SipResponse busy = _ua.Factory.CreateResponse(invite, 503, null, transaction.RemoteEndPoint, withContact: false);
            busy.AddHeader(SipHeaderNames.RetryAfter, "10");
            transaction.SendResponse(busy);
            _ua.Metrics.CallReceived("refused");
            call.Dispose();
            return;
        }

        ITimer unanswered = _ua.Time.CreateTimer(static s => ((SipIncomingCall)s!).Abandon(480), call, _ua.Options.IncomingCallTimeout, Timeout.InfiniteTimeSpan);
        _ = transaction.Completion.ContinueWith(_ => unanswered.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        _ = transaction.Completion.ContinueWith(
            (_, state) => ((SipUserAgentServer)state!).ForgetIncoming(transaction), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = RunIncomingCallAsync(handler, call);
    }

    /// <summary>The call got its final response: it no longer counts as pending (nor takes CANCELs or merges).</summary>
    public void Answered(SipServerInviteTransaction transaction)
    {
        lock (_gate)
        {
            _incoming.Remove(transaction);
        }
    }

    private void ForgetIncoming(SipServerInviteTransaction transaction)
    {
        SipIncomingCall? call;
        lock (_gate)
        {
            _incoming.Remove(transaction, out call);
        }

        call?.Abandon(500); // no-op when answered; the transaction is over either way
    }

    private async Task RunIncomingCallAsync(Func<SipIncomingCall, CancellationToken, ValueTask> handler, SipIncomingCall call)
    {
        // Off the transport's receive loop: the application's handler may block or take its time.
        await Task.Yield();
        try
        {
            await handler(call, _ua.ShutdownToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.Cancelled.IsCancellationRequested || _ua.ShutdownToken.IsCancellationRequested)
        {
            // The caller cancelled or we are shutting down: the call was answered 487/480 already.
        }
#pragma warning disable CA1031 // Application code: logged, and the call gets a 500 if it is still unanswered.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogIncomingHandlerFailed(_ua.Logger, call.Request.CallId, ex);
            call.Abandon(500);
        }
    }

    public void OnCancel(SipServerInviteTransaction invite, SipRequest cancel)
    {
        SipIncomingCall? call;
        lock (_gate)
        {
            call = _incoming.GetValueOrDefault(invite);
        }

        if (call is not null)
        {
            call.OnCancel();
        }
        else if (invite.Request.To?.Tag is { } toTag && _ua.FindDialog(invite.Request.CallId, toTag, invite.Request.From?.Tag) is { } dialog &&
            dialog.Server.OnCancel(invite))
        {
            // A re-INVITE of the peer, cancelled: answered 487 and its offer handler told.
        }
        else if (invite.IsPending)
        {
            try
            {
                invite.Respond(487);
            }
            catch (InvalidOperationException)
            {
                // Answered meanwhile: the CANCEL has no effect (RFC 3261 9.2).
            }
        }
    }

    public void OnUnmatched(SipMessage message, EndPoint source)
    {
        if (message is SipRequest { Method: SipMethods.Ack } ack)
        {
            _ua.FindDialog(ack.CallId, ack.To?.Tag, ack.From?.Tag)?.Server.OnAck(ack);
        }
        else if (message is SipResponse { StatusCode: >= 200 and < 300 } ok && ok.CSeq?.Method == SipMethods.Invite)
        {
            // A 2xx retransmission after the INVITE transaction ended: our ACK was lost.
            _ua.FindDialog(ok.CallId, ok.From?.Tag, ok.To?.Tag)?.OnInvite2xxRetransmission(ok);
        }
    }

    private void Respond(SipServerTransaction transaction, int statusCode) =>
        transaction.SendResponse(_ua.Factory.CreateResponse(transaction.Request, statusCode, null, transaction.RemoteEndPoint, withContact: false));

    [LoggerMessage(Level = LogLevel.Error, Message = "The incoming-call handler failed for call {CallId}; answered 500")]
    private static partial void LogIncomingHandlerFailed(ILogger logger, string? callId, Exception exception);
}
