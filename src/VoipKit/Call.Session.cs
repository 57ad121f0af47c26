using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;
using VoipKit.Transport.Ice;

namespace VoipKit;

/// <summary>During the call: hold and resume, the peer's re-offers, ICE restarts, the end of the dialog.</summary>
public sealed partial class Call
{
    private readonly SemaphoreSlim _offers = new(1, 1);
    private int _restarting;

    /// <summary>Puts the call on hold: a re-INVITE with <c>a=sendonly</c> (RFC 3264 section 8.4); this side then sends silence and plays nothing.</summary>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>A task that completes when the peer accepted.</returns>
    /// <exception cref="CallException">The peer refused the re-INVITE.</exception>
    /// <exception cref="InvalidOperationException">The call is not active.</exception>
    public Task HoldAsync(CancellationToken cancellationToken = default) => ReofferAsync(hold: true, restartIce: false, cancellationToken);

    /// <summary>Takes the call off hold: a re-INVITE with <c>a=sendrecv</c>.</summary>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>A task that completes when the peer accepted.</returns>
    /// <exception cref="CallException">The peer refused the re-INVITE.</exception>
    /// <exception cref="InvalidOperationException">The call is not active.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => ReofferAsync(hold: false, restartIce: false, cancellationToken);

    private async Task ReofferAsync(bool hold, bool restartIce, CancellationToken cancellationToken)
    {
        SipDialog dialog = _dialog ?? throw new InvalidOperationException("The call is not connected.");
        await _offers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CallMediaPath path = _path!;
            SdpLocalOptions local = _local! with { Direction = hold ? MediaDirection.SendOnly : MediaDirection.SendRecv };
            // A re-offer is the last description we sent with another direction (RFC 3264 section 8.4): the same codecs
            // and the same SDES key, so the call's SRTP keys stay valid. An ICE restart also takes new credentials.
            SessionDescription offer = hold ? SdpNegotiator.CreateHoldOffer(_localSdp!) : SdpNegotiator.CreateResumeOffer(_localSdp!);
            if (restartIce)
            {
                IceCredentials fresh = path.Restart();
                SetIceCredentials(offer, fresh);
                local = local with { IceUfrag = fresh.Ufrag, IcePwd = fresh.Password };
            }

            SipResponse response = await dialog.ReinviteAsync(new SipBody(SipBody.SdpContentType, offer.ToUtf8Bytes()), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is < 200 or >= 300)
            {
                throw new CallException(CallFailures.FromStatus(response.StatusCode, response.ReasonPhrase));
            }

            SessionDescription answer;
            try
            {
                answer = SessionDescription.Parse(response.Body.Span);
            }
            catch (SdpParseException e)
            {
                throw new CallException(new CallEnd(CallEndReason.Failed, response.StatusCode, "the peer's answer to the re-offer is malformed: " + e.Message), e);
            }

            SdpNegotiationResult result = SdpNegotiator.ProcessAnswer(offer, answer, local);
            if (!result.IsAccepted || result.Audio is not { } audio)
            {
                throw new CallException(new CallEnd(CallEndReason.Incompatible, 488, result.Detail));
            }

            _local = local;
            _localSdp = offer;
            Volatile.Write(ref _localHold, hold);
            path.Update(audio);
            ApplyDirection(audio);
        }
        finally
        {
            _offers.Release();
        }
    }

    // The peer's re-INVITE or UPDATE with an offer: hold, resume, or an ICE restart (new ufrag and password).
    private async ValueTask<SipBody?> OnOfferReceivedAsync(SipBody body, CancellationToken cancellationToken)
    {
        if (!body.IsSdp || _path is not { } path || _local is not { } current)
        {
            return null;
        }

        await _offers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SessionDescription offer = SessionDescription.Parse(body.Content.Span);
            MarkMediaProgress(); // the peer is acting on the path: give its restart time before ours
            SdpLocalOptions local = current with
            {
                SessionVersion = current.SessionVersion + 1,
                Direction = IsOnHold ? MediaDirection.SendOnly : MediaDirection.SendRecv,
            };
            string? ufrag = offer.Media.FirstOrDefault(m => m.Media == "audio")?.IceUfrag ?? offer.IceUfrag;
            if (path.UsesIce && ufrag is not null && ufrag != _remoteUfrag)
            {
                IceCredentials fresh = path.Restart(); // RFC 8445 section 9: both sides take new credentials
                local = local with { IceUfrag = fresh.Ufrag, IcePwd = fresh.Password };
                MoveTo(CallState.Connecting);
            }

            SdpNegotiationResult result = SdpNegotiator.Answer(offer, local);
            if (!result.IsAccepted || result.Audio is not { } audio)
            {
                return null;
            }

            KeepSdesKey(result.Answer!, _localSdp!);
            _local = local;
            _localSdp = result.Answer!;
            _remoteUfrag = audio.RemoteIceUfrag;
            path.Update(audio);
            ApplyDirection(audio);
            return new SipBody(SipBody.SdpContentType, result.Answer!.ToUtf8Bytes());
        }
        catch (SdpParseException)
        {
            return null;
        }
        finally
        {
            _offers.Release();
        }
    }

    private string? _remoteUfrag;

    private static void SetIceCredentials(SessionDescription sdp, IceCredentials credentials)
    {
        sdp.IceUfrag = sdp.IceUfrag is null ? null : credentials.Ufrag;
        sdp.IcePwd = sdp.IcePwd is null ? null : credentials.Password;
        foreach (MediaDescription m in sdp.Media)
        {
            m.IceUfrag = credentials.Ufrag;
            m.IcePwd = credentials.Password;
        }
    }

    // Our SDES keys live in the descriptions we sent, for re-offers; they go with the call.
    private static void WipeSdesKeys(SessionDescription? sdp)
    {
        foreach (MediaDescription m in sdp?.Media ?? [])
        {
            foreach (SdesCrypto c in m.Crypto)
            {
                foreach (SdesKeyParameters k in c.Keys)
                {
                    k.Clear();
                }
            }
        }
    }

    // Answering a re-offer on an SDES call: the answer would carry a new key of ours, but our SRTP keeps sending with the
    // one we gave first (RFC 4568 lets an answerer keep its key), so the answer says that one.
    private static void KeepSdesKey(SessionDescription answer, SessionDescription previous)
    {
        MediaDescription? before = previous.Media.FirstOrDefault(m => m.Crypto.Count > 0);
        foreach (MediaDescription m in answer.Media)
        {
            if (before is not null && m.Crypto.Count == 1 && string.Equals(m.Crypto[0].Suite, before.Crypto[0].Suite, StringComparison.Ordinal))
            {
                SdesCrypto fresh = m.Crypto[0];
                fresh.Keys[0].Clear();
                m.Crypto[0] = new SdesCrypto { Tag = fresh.Tag, Suite = fresh.Suite, Keys = before.Crypto[0].Keys, SessionParameters = fresh.SessionParameters };
            }
        }
    }

    private void ApplyDirection(NegotiatedAudio audio)
    {
        _remoteUfrag ??= audio.RemoteIceUfrag;
        Volatile.Write(ref _remoteHold, audio.RemoteHold);
        if (_media is { } media)
        {
            media.IsSending = audio.LocalDirection is MediaDirection.SendRecv or MediaDirection.SendOnly;
            media.IsReceiving = audio.LocalDirection is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        }

        ApplyMediaControls();
    }

    // While this side holds the call it sends silence: the peer's jitter buffer then plays quiet, not concealment.
    private void ApplyMediaControls()
    {
        if (_media is { } media)
        {
            media.IsMuted = Volatile.Read(ref _muted) || Volatile.Read(ref _localHold);
        }
    }

    private async Task WatchDialogAsync(SipDialog dialog)
    {
        SipDialogEnd end = await dialog.Ended.ConfigureAwait(false);
        if (end.Reason != SipDialogEndReason.LocalHangup)
        {
            await EndAsync(CallFailures.FromDialog(end), sendBye: false).ConfigureAwait(false);
        }
    }

    // ICE lost the path: the caller (controlling) restarts ICE over a re-INVITE; the call ends when that fails.
    private void OnPathStateChanged(object? sender, IceConnectionState state)
    {
        if (State is CallState.Ended or CallState.Calling or CallState.Ringing)
        {
            return;
        }

        switch (state)
        {
            case IceConnectionState.Connected or IceConnectionState.Completed when State == CallState.Connecting && _media is not null && Interlocked.Read(ref _activeSince) != 0:
                MoveTo(CallState.Active);
                break;
            case IceConnectionState.Disconnected or IceConnectionState.Failed when Interlocked.Read(ref _activeSince) != 0 && Interlocked.Exchange(ref _restarting, 1) == 0:
                _ = RestartIceAsync();
                break;
        }
    }

    private async Task RestartIceAsync()
    {
        try
        {
            LogRestart(_logger, RemoteParty);
            MoveTo(CallState.Connecting);
            await ReofferAsync(IsOnHold, restartIce: true, _lifetime.Token).ConfigureAwait(false);
            await _path!.WaitReselectedAsync(_ctx.Options.ConnectTimeout, _ctx.Time, _lifetime.Token).ConfigureAwait(false);
            MoveTo(CallState.Active);
        }
        catch (Exception e) when (e is CallException or SipUserAgentException or SdpParseException or TimeoutException or InvalidOperationException)
        {
            await EndAsync(new CallEnd(CallEndReason.NetworkLost, null, "the media path died and ICE could not restore it: " + e.Message), sendBye: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the call ended meanwhile
        }
        finally
        {
            MarkMediaProgress();
            Interlocked.Exchange(ref _restarting, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media path to {Remote} lost: restarting ICE")]
    private static partial void LogRestart(ILogger logger, string remote);
}
