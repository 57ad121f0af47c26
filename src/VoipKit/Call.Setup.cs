using Microsoft.Extensions.Logging;
using VoipKit.Crypto.Signal;
using VoipKit.Media.Codecs;
using VoipKit.Media.Jitter;
using VoipKit.Media.Session;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;
using VoipKit.Transport.Ice;

namespace VoipKit;

/// <summary>Setting a call up: the outgoing and the incoming side, each reading top to bottom.</summary>
public sealed partial class Call
{
    /// <summary>
    /// Places the call: gathers candidates, seals a fresh call secret to the offer for the callee's device, sends the
    /// INVITE, and once answered checks the security, finds a media path with ICE and starts the audio. Returns when
    /// media flows (<see cref="CallState.Active"/>). Cancelling before the answer cancels the call (CANCEL).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call while it is being set up.</param>
    /// <returns>A task that completes when the call is active.</returns>
    /// <exception cref="CallException">The call could not be set up; <see cref="CallException.Reason"/> and <see cref="CallException.SipStatus"/> say why.</exception>
    /// <exception cref="InvalidOperationException">Not an outgoing call, or already connecting.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Direction != CallDirection.Outgoing || Interlocked.Exchange(ref _connectStarted, true))
        {
            throw new InvalidOperationException("ConnectAsync places an outgoing call, once.");
        }

        if (_ended.Task.IsCompleted || Volatile.Read(ref _ending) != 0)
        {
            throw new CallException(await _ended.Task.ConfigureAwait(false));
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        CancellationToken ct = linked.Token;
        EndToEndKeys.SealedOffer? sealedOffer = null;
        try
        {
            // 1. Candidates and the offer; the call secret sealed to the offer's exact bytes when the callee has keys.
            _path = await _ctx.CreatePathAsync(IceRole.Controlling, ct).ConfigureAwait(false);
            var gathered = await _path.GatherAsync(ct).ConfigureAwait(false);
            _local = _ctx.SdpOptions(_path, gathered, _sessionId, endToEnd: true);
            _localSdp = SdpNegotiator.CreateOffer(_local);
            byte[] offerBytes = _localSdp.ToUtf8Bytes();
            (SipCallResult result, sealedOffer) = await SealAndInviteAsync(offerBytes, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                CallEnd failure = CallFailures.FromStatus(result.StatusCode, result.ReasonPhrase);
                if (failure.Reason == CallEndReason.Incompatible && !_ctx.AllowsHopByHop)
                {
                    // Our only offer is end to end: a 488 means the callee could not open it or does not do it.
                    failure = failure with { Reason = CallEndReason.SecurityRefused, Detail = $"{failure.Detail}: the callee refused the end-to-end offer" };
                }

                throw new CallException(failure);
            }

            _dialog = result.Dialog!;
            _dialog.OfferReceived = OnOfferReceivedAsync;
            _ = WatchDialogAsync(_dialog);

            // 3. The answer: the security it gives must be what the policy asks for.
            SdpNegotiationResult answer = SdpNegotiator.ProcessAnswer(_localSdp, ParseSdp(_dialog.RemoteBody?.Content ?? default), _local);
            NegotiatedAudio audio = Negotiated(answer);
            using CallMediaKeys keys = KeysFor(audio, sealedOffer?.Secret, sealedOffer?.RemoteIdentity);

            // 4. A path with ICE, then the audio on it.
            MoveTo(CallState.Connecting);
            await StartMediaAsync(audio, keys, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await EndAsync(new CallEnd(CallEndReason.LocalHangUp, null, "cancelled by the app while connecting"), sendBye: true).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException e)
        {
            // Hung up, disposed or the client stopped while connecting: the call already ended, say how.
            throw new CallException(await _ended.Task.ConfigureAwait(false), e);
        }
        catch (CallException e)
        {
            await EndAsync(e.End, sendBye: true).ConfigureAwait(false);
            throw;
        }
#pragma warning disable CA1031 // Anything else (a parse error, an app callback that threw): the call ends and the app gets a CallException with the cause.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var end = new CallEnd(CallEndReason.Failed, null, e.Message);
            await EndAsync(end, sendBye: true).ConfigureAwait(false);
            throw new CallException(end, e);
        }
        finally
        {
            sealedOffer?.Secret.Dispose();
        }
    }

    // The call secret sealed to the offer, and the INVITE (180 means ringing; the token cancels with CANCEL until the
    // answer). A 488 to a message of an existing session means the callee lost it (a reinstall): once, the session is
    // dropped and a new one started from the directory, which asks the app if the callee's identity key changed.
    private async Task<(SipCallResult Result, EndToEndKeys.SealedOffer? Sealed)> SealAndInviteAsync(byte[] offerBytes, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            EndToEndKeys.SealedOffer? sealedOffer = await _ctx.Keys.SealAsync(RemoteParty, offerBytes, ct).ConfigureAwait(false);
            SipBody body;
            if (sealedOffer is not null)
            {
                body = E2eCallBody.Build(offerBytes, [sealedOffer.Part]);
            }
            else if (_ctx.AllowsHopByHop)
            {
                _local = _local! with { EndToEnd = false };
                _localSdp = SdpNegotiator.CreateOffer(_local);
                body = new SipBody(SipBody.SdpContentType, _localSdp.ToUtf8Bytes());
            }
            else
            {
                throw new CallException(new CallEnd(CallEndReason.SecurityRefused, null, $"{RemoteParty} has published no end-to-end keys (not a VoipKit device?) and the policy requires end-to-end encryption"));
            }

            SipCallResult result;
            try
            {
                result = await _ctx.Agent.InviteAsync(TargetUri(), body, OnProvisional, ct).ConfigureAwait(false);
            }
            catch
            {
                sealedOffer?.Secret.Dispose();
                throw;
            }

            if (result.StatusCode == 488 && attempt == 0 && sealedOffer is { FromExistingSession: true } stale)
            {
                stale.Secret.Dispose();
                await _ctx.Keys.ForgetSessionAsync(stale.Remote, ct).ConfigureAwait(false);
                continue;
            }

            return (result, sealedOffer);
        }
    }

    /// <summary>The callee's side once the app accepted: the answer, the path and the audio.</summary>
    internal async Task AcceptCoreAsync(SipIncomingCall sip, SessionDescription offer, EndToEndKeys.OpenedOffer? opened, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        CancellationToken ct = linked.Token;
        try
        {
            _path = await _ctx.CreatePathAsync(IceRole.Controlled, ct).ConfigureAwait(false);
            var gathered = await _path.GatherAsync(ct).ConfigureAwait(false);
            _local = _ctx.SdpOptions(_path, gathered, _sessionId, endToEnd: opened is not null);
            SdpNegotiationResult answer = SdpNegotiator.Answer(offer, _local);
            NegotiatedAudio audio = Negotiated(answer);
            _localSdp = answer.Answer!;
            using CallMediaKeys keys = KeysFor(audio, opened?.Secret, opened?.RemoteIdentity);

            // Media listens before the 200 goes out: the caller's first packets may overtake our ACK wait.
            MediaSession media = CreateMedia(audio, keys);
            _dialog = await sip.AcceptAsync(new SipBody(SipBody.SdpContentType, _localSdp.ToUtf8Bytes()), ct).ConfigureAwait(false);
            _dialog.OfferReceived = OnOfferReceivedAsync;
            _ = WatchDialogAsync(_dialog);
            await ConnectMediaAsync(audio, media, ct).ConfigureAwait(false);
        }
        catch (CallException e)
        {
            TryReject(sip, e.SipStatus is >= 400 and < 700 ? e.SipStatus.Value : 500);
            await EndAsync(e.End, sendBye: true).ConfigureAwait(false);
            throw;
        }
#pragma warning disable CA1031 // Whatever failed (also an app callback), the INVITE gets its final response, the call ends and the app gets a CallException.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var end = e is OperationCanceledException
                ? new CallEnd(CallEndReason.Cancelled, 487, "the caller gave up")
                : new CallEnd(CallEndReason.Failed, null, e.Message);
            TryReject(sip, 500);
            await EndAsync(end, sendBye: true).ConfigureAwait(false);
            throw new CallException(end, e);
        }
        finally
        {
            opened?.Secret.Dispose();
        }
    }

    private static void TryReject(SipIncomingCall sip, int status)
    {
        try
        {
            if (!sip.IsAnswered)
            {
                sip.Reject(status);
            }
        }
        catch (InvalidOperationException)
        {
            // answered or cancelled meanwhile
        }
    }

    private static SessionDescription ParseSdp(ReadOnlyMemory<byte> sdp) => SessionDescription.Parse(sdp.Span);

    private SipUri TargetUri() => SipUri.Parse("sip:" + RemoteParty);

    private void OnProvisional(SipResponse response)
    {
        if (response.StatusCode is 180 or 183)
        {
            MoveTo(CallState.Ringing);
        }
    }

    // The negotiated audio, refused when it is not Opus or weaker than the policy allows.
    private NegotiatedAudio Negotiated(SdpNegotiationResult result)
    {
        if (!result.IsAccepted || result.Audio is not { } audio)
        {
            bool security = result.Failure is SdpNegotiationFailure.NoCommonSecurity or SdpNegotiationFailure.EncryptionRequired or SdpNegotiationFailure.EndToEndRequired;
            throw new CallException(new CallEnd(security ? CallEndReason.SecurityRefused : CallEndReason.Incompatible, 488, result.Detail));
        }

        if (!string.Equals(audio.Codec.EncodingName, "opus", StringComparison.OrdinalIgnoreCase))
        {
            throw new CallException(new CallEnd(CallEndReason.Incompatible, 488, $"the peer chose {audio.Codec.EncodingName}; VoipKit speaks Opus only"));
        }

        bool endToEnd = audio.Security == SdpSecurity.EndToEnd;
        if (!endToEnd && !_ctx.AllowsHopByHop)
        {
            throw new CallException(new CallEnd(CallEndReason.SecurityRefused, 488, "the peer cannot do end-to-end encryption and the policy requires it"));
        }

        if (audio.Security is SdpSecurity.None or SdpSecurity.DtlsSrtp)
        {
            throw new CallException(new CallEnd(CallEndReason.SecurityRefused, 488, $"media security {audio.Security} is not available"));
        }

        return audio;
    }

    private CallMediaKeys KeysFor(NegotiatedAudio audio, CallSecret? secret, SignalPublicKey? remoteIdentity)
    {
        if (audio.Security != SdpSecurity.EndToEnd)
        {
            lock (_gate)
            {
                _security = CallSecurity.HopByHop;
            }

            return CallMediaKeys.FromSdes(audio);
        }

        if (secret is null || remoteIdentity is null)
        {
            throw new CallException(new CallEnd(CallEndReason.SecurityRefused, 488, "end-to-end media was negotiated without a call secret"));
        }

        _remoteIdentity = remoteIdentity;
        _safetyNumber = _ctx.Keys.SafetyNumber(RemoteParty, remoteIdentity);
        bool verified = _ctx.Keys.IsVerified(RemoteParty, remoteIdentity);
        lock (_gate)
        {
            _security = verified ? CallSecurity.EndToEndVerified : CallSecurity.EndToEndUnverified;
        }

        SignalPublicKey local = _ctx.Keys.LocalIdentity;
        bool caller = Direction == CallDirection.Outgoing;
        return CallMediaKeys.FromSecret(secret, caller, caller ? local : remoteIdentity, caller ? remoteIdentity : local);
    }

    private async Task StartMediaAsync(NegotiatedAudio audio, CallMediaKeys keys, CancellationToken ct)
    {
        MediaSession media = CreateMedia(audio, keys);
        await ConnectMediaAsync(audio, media, ct).ConfigureAwait(false);
    }

    // The session exists (and takes packets) from here; the keys were copied into its SRTP contexts.
    private MediaSession CreateMedia(NegotiatedAudio audio, CallMediaKeys keys)
    {
        (OpusEncoderSettings encoder, Media.Adaptation.BitrateControllerOptions bitrate) = OpusSdpMapping.ForRemote(audio.RemoteOpus ?? new OpusParameters(), audio.RemotePtime, null);
        CallAudioOptions a = _ctx.Options.Audio;
        int max = Math.Min(bitrate.MaxBitrate, a.MaxBitrate);
        var media = new MediaSession(
            new MediaSessionOptions
            {
                Profile = keys.Profile,
                SendMasterKey = keys.SendKey,
                SendMasterSalt = keys.SendSalt,
                ReceiveMasterKey = keys.ReceiveKey,
                ReceiveMasterSalt = keys.ReceiveSalt,
                PayloadType = (byte)audio.Codec.PayloadType,
                TelephoneEventPayloadType = audio.TelephoneEvent is { } te ? (byte)te.PayloadType : null,
                Encoder = new OpusEncoderSettings
                {
                    Bitrate = Math.Min(Math.Min(encoder.Bitrate, max), a.StartBitrate),
                    FrameMilliseconds = encoder.FrameMilliseconds,
                    UseInbandFec = encoder.UseInbandFec,
                    UseDtx = encoder.UseDtx,
                },
                Bitrate = new Media.Adaptation.BitrateControllerOptions
                {
                    MaxBitrate = max,
                    StartBitrate = Math.Min(a.StartBitrate, max),
                    AllowInbandFec = bitrate.AllowInbandFec && a.InbandFec,
                    PreferredFrameMilliseconds = bitrate.PreferredFrameMilliseconds,
                },
                JitterBuffer = new JitterBufferOptions { MinimumDelay = a.MinJitterDelay, MaximumDelay = a.MaxJitterDelay },
                TimeProvider = _ctx.Time,
            },
            _source,
            _sink,
            _path!,
            _ctx.Loggers.CreateLogger<MediaSession>());
        media.DtmfReceived += OnDtmf;
        _media = media;
        _path!.Attach(media);
        return media;
    }

    private async Task ConnectMediaAsync(NegotiatedAudio audio, MediaSession media, CancellationToken ct)
    {
        CallMediaPath path = _path!;
        path.StateChanged += OnPathStateChanged;
        // An end-to-end call is between VoipKit devices, which always do ICE; only standard phones (hop by hop) may do without.
        await path.StartAsync(audio, allowWithoutIce: audio.Security != SdpSecurity.EndToEnd).ConfigureAwait(false);
        await path.WaitConnectedAsync(_ctx.Options.ConnectTimeout, _ctx.Time, ct).ConfigureAwait(false);
        ApplyDirection(audio);
        try
        {
            await media.StartAsync(ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The app's source or sink failed: wrapped and rethrown, the call ends (not swallowed).
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            throw new CallException(new CallEnd(CallEndReason.Failed, null, "the audio source or sink failed to start: " + e.Message), e);
        }
        Interlocked.Exchange(ref _activeSince, _ctx.Time.GetTimestamp());
        MoveTo(CallState.Active);
        StartWatchdog();
    }
}
