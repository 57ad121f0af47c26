using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// One outgoing call attempt: the INVITE and its retries after a digest challenge or a 422, CANCEL when the caller gives
/// up, and the 2xx handling of RFC 3261 13.2.2.4 (the first 2xx makes the dialog, its retransmissions get the ACK again,
/// 2xx from other forks are acknowledged and hung up).
/// </summary>
internal sealed partial class SipOutgoingInvite
{
    private readonly SipUserAgent _ua;
    private readonly SipUri _target;
    private readonly SipBody? _offer;
    private readonly Action<SipResponse>? _onProvisional;
    private readonly string _callId = SipRequestFactory.NewCallId();
    private readonly SipNameAddress _local;
    private readonly SipNameAddress _to;
    private readonly Lock _gate = new();
    private uint _cseq = 1;
    private SipDialog? _dialog;
    private SipRequest? _invite;
    private Task? _firstAck;

    public SipOutgoingInvite(SipUserAgent ua, SipUri target, SipBody? offer, Action<SipResponse>? onProvisional)
    {
        _ua = ua;
        _target = target;
        _offer = offer;
        _onProvisional = onProvisional;
        _local = ua.Factory.LocalParty(SipTransactionMessages.NewTag());
        _to = new SipNameAddress(target);
    }

    public async Task<SipCallResult> RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan? sessionInterval = null;
        SipResponse? challenge = null;
        SipRequest? previous = null;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SipUri hop = _ua.Options.OutboundProxy ?? _target;
            IPEndPoint destination = await _ua.ResolveAsync(hop, cancellationToken).ConfigureAwait(false);
            SipRequest invite = _ua.Factory.Create(
                SipMethods.Invite, _target, _local, _to, _callId, _cseq, _ua.OutboundRoutes, destination, withContact: true, _offer);
            SipSessionTimer.AddRequestHeaders(invite, _ua.Options, sessionInterval, sessionInterval);
            if (challenge is not null && !_ua.TryAuthorize(previous!, invite, challenge))
            {
                return Failed(challenge);
            }

            previous = invite;
            lock (_gate)
            {
                _invite = invite;
            }

            var transaction = (SipClientInviteTransaction)_ua.Layer.SendRequest(invite, destination, OnResponse);
            SipTransactionResult result;
            using (cancellationToken.Register(static t => _ = ((SipClientInviteTransaction)t!).CancelAsync(), transaction))
            {
                // Not cancellable itself: after CANCEL the INVITE still ends with 487 (or a 2xx that crossed it).
                result = await transaction.Completion.ConfigureAwait(false);
            }

            SipResponse response = SipUserAgent.FinalResponse(invite, result);
            if (response.StatusCode is >= 200 and < 300)
            {
                SipDialog dialog = Accept2xx(response);
                Task firstAck;
                lock (_gate)
                {
                    firstAck = _firstAck!;
                }

                try
                {
                    await firstAck.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SipUserAgentException or System.Net.Sockets.SocketException or ArgumentException)
                {
                    // The callee's Contact (or route) does not resolve: without an ACK it would hang up in 32 s anyway.
                    dialog.End(new SipDialogEnd(SipDialogEndReason.DialogLost));
                    throw new SipUserAgentException("The call was answered but the ACK could not be sent to " + dialog.RemoteTarget + ".", ex);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    await dialog.ByeAsync(CancellationToken.None).ConfigureAwait(false); // the 2xx crossed our CANCEL
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return new SipCallResult(response.StatusCode, response.ReasonPhrase, response, dialog);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (response.StatusCode is 401 or 407 && attempt < 2)
            {
                challenge = response;
                _cseq++;
                continue;
            }

            if (response.StatusCode == 422 && response.MinSE is { } minSe && attempt < 2)
            {
                sessionInterval = TimeSpan.FromSeconds(minSe); // RFC 4028 7.4: retry with at least the Min-SE asked for
                _cseq++;
                continue;
            }

            return Failed(response);
        }
    }

    private static SipCallResult Failed(SipResponse response) => new(response.StatusCode, response.ReasonPhrase, response, null);

    private void OnResponse(SipResponse response)
    {
        if (response.StatusCode >= 200)
        {
            Accept2xx(response);
            return;
        }

        try
        {
            _onProvisional?.Invoke(response);
        }
#pragma warning disable CA1031 // Application callback: logged, the call goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCallbackFailed(_ua.Logger, ex);
        }
    }

    private SipDialog Accept2xx(SipResponse response)
    {
        string tag = response.To?.Tag ?? string.Empty;
        SipDialog? created = null;
        SipDialog? retransmitted = null;
        lock (_gate)
        {
            if (_dialog is null)
            {
                _dialog = created = CreateDialog(response);
            }
            else if (_dialog.RemoteTag == tag)
            {
                retransmitted = _dialog;
            }
        }

        if (retransmitted is not null)
        {
            retransmitted.OnInvite2xxRetransmission(response);
            return retransmitted;
        }

        if (created is not null)
        {
            _ua.AddDialog(created);
            created.UpdateTarget(response);
            Task ack = created.SendAckAsync(response, CurrentInvite, CancellationToken.None);
            lock (_gate)
            {
                _firstAck = ack;
            }

            created.ApplySessionTimer(response, weWereUac: true);
            return created;
        }

        // Another fork answered too: confirm it and hang it up at once (RFC 3261 13.2.2.4).
        SipDialog fork = CreateDialog(response);
        _ua.AddDialog(fork);
        _ = AckAndByeAsync(fork, response);
        return _dialog!;
    }

    private SipRequest CurrentInvite
    {
        get
        {
            lock (_gate)
            {
                return _invite!;
            }
        }
    }

    private async Task AckAndByeAsync(SipDialog fork, SipResponse response)
    {
        try
        {
            await fork.SendAckAsync(response, CurrentInvite, CancellationToken.None).ConfigureAwait(false);
            await fork.ByeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SipUserAgentException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogForkFailed(_ua.Logger, ex); // an unreachable fork: nothing more to do than forget it
        }
        finally
        {
            fork.End(new SipDialogEnd(SipDialogEndReason.LocalHangup));
        }
    }

    private SipDialog CreateDialog(SipResponse response)
    {
        IReadOnlyList<SipNameAddress> contacts = response.Contacts;
        SipUri remoteTarget = contacts.Count > 0 ? contacts[0].Uri : _target;
        List<SipNameAddress> routeSet = [.. response.RecordRoutes];
        routeSet.Reverse(); // the caller's route set is Record-Route in reverse (RFC 3261 12.1.2)
        SipNameAddress remote = response.To ?? _to;
        return new SipDialog(_ua, isCaller: true, _callId, _local, remote, remoteTarget, routeSet, _cseq, null, SipDialogState.Confirmed)
        {
            LocalBody = _offer,
            RemoteBody = SipBody.From(response),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A second 2xx (another fork) could not be acknowledged and hung up")]
    private static partial void LogForkFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The provisional-response callback of an outgoing call failed")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);
}
