using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// An INVITE dialog (RFC 3261 section 12): the call between this agent and one peer. It sends in-dialog requests along the
/// route set (loose and strict routing), answers the peer's re-INVITE, UPDATE, OPTIONS and BYE, resends the ACK when a 2xx
/// is retransmitted, and keeps RFC 4028 session timers so proxies do not cut long calls.
/// </summary>
public sealed partial class SipDialog
{
    private readonly SipUserAgent _ua;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<SipDialogEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SipSessionTimer _sessionTimer;
    private readonly SipDialogServer _server;
    private uint _localSeq;
    private SipDialogState _state;
    private (SipRequest Ack, IPEndPoint Destination)? _lastAck;
    private bool _localOfferPending;
    private bool _offerInFlight;
    private TimeSpan? _peerMinSe;

    internal SipDialog(
        SipUserAgent ua,
        bool isCaller,
        string callId,
        SipNameAddress local,
        SipNameAddress remote,
        SipUri remoteTarget,
        IReadOnlyList<SipNameAddress> routeSet,
        uint localSequence,
        uint? remoteSequence,
        SipDialogState state)
    {
        _ua = ua;
        IsCaller = isCaller;
        CallId = callId;
        Local = local;
        Remote = remote;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        _localSeq = localSequence;
        _state = state;
        _sessionTimer = new SipSessionTimer(ua.Time, () => _ = RefreshSessionAsync(), () => _ = ExpireSessionAsync());
        _server = new SipDialogServer(this, ua, remoteSequence);
    }

    /// <summary>True when this agent sent the INVITE that made the dialog.</summary>
    public bool IsCaller { get; }

    /// <summary>The Call-ID.</summary>
    public string CallId { get; }

    /// <summary>The local party with its tag: the From of requests this side sends.</summary>
    public SipNameAddress Local { get; }

    /// <summary>The remote party with its tag: the To of requests this side sends.</summary>
    public SipNameAddress Remote { get; }

    /// <summary>The local tag.</summary>
    public string LocalTag => Local.Tag ?? string.Empty;

    /// <summary>The remote tag.</summary>
    public string RemoteTag => Remote.Tag ?? string.Empty;

    /// <summary>The peer's Contact: where in-dialog requests are addressed. Target-refresh requests update it.</summary>
    public SipUri RemoteTarget { get; private set; }

    /// <summary>The route set learnt from Record-Route when the dialog was made; in-dialog requests follow it.</summary>
    public IReadOnlyList<SipNameAddress> RouteSet { get; }

    /// <summary>The current state.</summary>
    public SipDialogState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The last session description (or other body) this side sent in an offer or answer.</summary>
    public SipBody? LocalBody { get; internal set; }

    /// <summary>The last session description (or other body) the peer sent in an offer or answer.</summary>
    public SipBody? RemoteBody { get; internal set; }

    /// <summary>The RFC 4028 session interval in force, or null when no session timer runs.</summary>
    public TimeSpan? SessionInterval => _sessionTimer.Interval;

    /// <summary>True when this side sends the session refreshes.</summary>
    public bool IsSessionRefresher => _sessionTimer.Interval is not null && _sessionTimer.WeRefresh;

    /// <summary>
    /// Called when the peer sends a new offer in a re-INVITE or UPDATE (for example to put the call on hold or restart ICE).
    /// Return the answer, or null to refuse the offer with 488. When not set, the agent answers with
    /// <see cref="LocalBody"/>, which is right for session refreshes that repeat the same description.
    /// </summary>
    public Func<SipBody, CancellationToken, ValueTask<SipBody?>>? OfferReceived { get; set; }

    /// <summary>Completes when the dialog ends, with the reason.</summary>
    public Task<SipDialogEnd> Ended => _ended.Task;

    /// <summary>What ended the dialog, or null while it lasts.</summary>
    public SipDialogEnd? Termination => _ended.Task.IsCompleted ? _ended.Task.Result : null;

    internal string Key => SipUserAgent.DialogKey(CallId, LocalTag, RemoteTag);

    internal SipDialogServer Server => _server;

    internal SipSessionTimer SessionTimer => _sessionTimer;

    internal bool PeerAllowsUpdate { get; set; }

    /// <summary>True while a re-INVITE or UPDATE of ours is on the wire (not while it waits out a glare backoff).</summary>
    internal bool OfferInFlight
    {
        get
        {
            lock (_gate)
            {
                return _offerInFlight;
            }
        }
    }

    /// <summary>Sends a re-INVITE with a new offer (hold, resume, ICE restart) and returns the final response.</summary>
    /// <param name="offer">The new offer; null repeats <see cref="LocalBody"/> (a session refresh).</param>
    /// <param name="cancellationToken">Stops waiting; the transaction itself runs to its end.</param>
    /// <returns>The final response; on 2xx the answer is in <see cref="RemoteBody"/>. A 491 (glare) is retried after the RFC 3261 14.1 delay.</returns>
    /// <exception cref="InvalidOperationException">Another offer of this side is still in progress, or the dialog is not confirmed.</exception>
    public Task<SipResponse> ReinviteAsync(SipBody? offer = null, CancellationToken cancellationToken = default) =>
        SendOfferAsync(SipMethods.Invite, offer ?? LocalBody, cancellationToken).WaitAsync(cancellationToken);

    /// <summary>Sends an UPDATE (RFC 3311), with an offer or without a body (a pure session refresh).</summary>
    /// <param name="offer">The new offer, or null for none.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The final response.</returns>
    public Task<SipResponse> UpdateAsync(SipBody? offer = null, CancellationToken cancellationToken = default) =>
        SendOfferAsync(SipMethods.Update, offer, cancellationToken).WaitAsync(cancellationToken);

    /// <summary>Sends an in-dialog OPTIONS, a liveness check of the peer.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The final response; 481 means the peer no longer knows the dialog (the dialog ends).</returns>
    public Task<SipResponse> OptionsAsync(CancellationToken cancellationToken = default) => OptionsCoreAsync().WaitAsync(cancellationToken);

    /// <summary>Hangs up: sends BYE and ends the dialog. Safe to call more than once.</summary>
    /// <param name="cancellationToken">Stops waiting for the BYE's response.</param>
    /// <returns>The response to the BYE, or null when the dialog had already ended.</returns>
    public async Task<SipResponse?> ByeAsync(CancellationToken cancellationToken = default)
    {
        Task<bool>? ackWait = _server.PendingAck;
        if (ackWait is not null)
        {
            // RFC 3261 15.1.1: the callee waits for the ACK (or its timeout) before BYE.
            await ackWait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!End(new SipDialogEnd(SipDialogEndReason.LocalHangup)))
        {
            return null;
        }

        return await SendAsync(SipMethods.Bye, null, CancellationToken.None, allowTerminated: true).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"dialog {CallId} ({(IsCaller ? "caller" : "callee")}, {State})";

    internal bool End(SipDialogEnd end)
    {
        lock (_gate)
        {
            if (_state == SipDialogState.Terminated)
            {
                return false;
            }

            _state = SipDialogState.Terminated;
        }

        _sessionTimer.Close();
        _server.Close();
        _ua.RemoveDialog(this);
        _ended.TrySetResult(end);
        LogEnded(_ua.Logger, CallId, end.Reason);
        return true;
    }

    internal void Confirm()
    {
        lock (_gate)
        {
            if (_state == SipDialogState.WaitingForAck)
            {
                _state = SipDialogState.Confirmed;
            }
        }
    }

    internal void UpdateTarget(SipMessage message)
    {
        IReadOnlyList<SipNameAddress> contacts = message.Contacts;
        if (contacts.Count > 0)
        {
            RemoteTarget = contacts[0].Uri;
        }

        if (message.GetHeader(SipHeaderNames.Allow) is { } allow)
        {
            PeerAllowsUpdate = allow.Contains(SipMethods.Update, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Applies a 2xx that carries Session-Expires; <paramref name="weWereUac"/> says which side of that transaction we were.</summary>
    internal void ApplySessionTimer(SipResponse response, bool weWereUac)
    {
        if (SipSessionTimer.FromResponse(response) is { } timer)
        {
            _sessionTimer.Start(timer.Interval, timer.UacRefreshes == weWereUac);
        }
        else if (weWereUac)
        {
            _sessionTimer.Stop();
        }
    }

    internal void ApplySessionTimer(SipSessionTimer.SessionAnswer answer)
    {
        if (answer.Interval is { } interval)
        {
            _sessionTimer.Start(interval, answer.Refresher == "uas");
        }
        else
        {
            _sessionTimer.Stop();
        }
    }

    /// <summary>A 2xx for one of our INVITEs came again: its ACK was lost, send it again (RFC 3261 13.2.2.4).</summary>
    internal void OnInvite2xxRetransmission(SipResponse response)
    {
        (SipRequest Ack, IPEndPoint Destination)? last;
        lock (_gate)
        {
            last = _lastAck;
        }

        if (last is { } ack && response.CSeq?.Number == ack.Ack.CSeq?.Number)
        {
            _ua.SendDirect(ack.Ack, ack.Destination);
        }
    }

    internal async Task SendAckAsync(SipResponse response, SipRequest invite, CancellationToken cancellationToken)
    {
        uint number = response.CSeq?.Number ?? 0;
        (SipUri ruri, List<SipNameAddress> routes, SipUri hop) = Routing();
        IPEndPoint destination = await _ua.ResolveAsync(hop, cancellationToken).ConfigureAwait(false);
        SipRequest ack = _ua.Factory.Create(SipMethods.Ack, ruri, Local, Remote, CallId, number, routes, destination, withContact: false, body: null);
        SipUserAgent.CopyCredentials(invite, ack);
        lock (_gate)
        {
            _lastAck = (ack, destination);
        }

        _ua.SendDirect(ack, destination);
    }

    internal async Task<SipResponse> SendAsync(string method, SipBody? body, CancellationToken cancellationToken, bool allowTerminated = false, Action<SipRequest>? decorate = null)
    {
        SipResponse? challenge = null;
        SipRequest? previous = null;
        for (int attempt = 0; ; attempt++)
        {
            uint cseq;
            lock (_gate)
            {
                if (_state == SipDialogState.Terminated && !allowTerminated)
                {
                    throw new InvalidOperationException("The dialog has ended.");
                }

                cseq = ++_localSeq;
            }

            (SipUri ruri, List<SipNameAddress> routes, SipUri hop) = Routing();
            IPEndPoint destination = await _ua.ResolveAsync(hop, cancellationToken).ConfigureAwait(false);
            bool targetRefresh = method is SipMethods.Invite or SipMethods.Update;
            SipRequest request = _ua.Factory.Create(method, ruri, Local, Remote, CallId, cseq, routes, destination, targetRefresh, body);
            decorate?.Invoke(request);
            if (challenge is not null && !_ua.TryAuthorize(previous!, request, challenge))
            {
                return challenge;
            }

            previous = request;

            Action<SipResponse>? onResponse = method == SipMethods.Invite ? OnReinviteProvisionalOr2xx : null;

            // In-dialog requests are never refused for a full transaction table: a BYE must always go out.
            SipClientTransaction transaction = _ua.Layer.StartClientTransaction(request, destination, onResponse, bypassLimit: true);
            SipTransactionResult result;
            using (cancellationToken.Register(static t => _ = (t as SipClientInviteTransaction)?.CancelAsync(), transaction))
            {
                // The transaction runs to its end whatever the token says: a 2xx must still be acknowledged (13.2.2.4).
                result = await transaction.Completion.ConfigureAwait(false);
            }

            SipResponse response = SipUserAgent.FinalResponse(request, result);
            if (response.StatusCode is 401 or 407 && attempt < 2 && !cancellationToken.IsCancellationRequested)
            {
                challenge = response;
                continue;
            }

            if (method == SipMethods.Invite && response.StatusCode is >= 200 and < 300)
            {
                await SendAckAsync(response, request, CancellationToken.None).ConfigureAwait(false);
            }

            return response;
        }
    }

    private async Task<SipResponse> OptionsCoreAsync()
    {
        SipResponse response = await SendAsync(SipMethods.Options, null, CancellationToken.None).ConfigureAwait(false);
        EndIfLost(response);
        return response;
    }

    private void OnReinviteProvisionalOr2xx(SipResponse response)
    {
        if (response.StatusCode is >= 200 and < 300)
        {
            OnInvite2xxRetransmission(response);
        }
    }

    private async Task<SipResponse> SendOfferAsync(string method, SipBody? offer, CancellationToken cancellationToken)
    {
        bool remotePending = _server.RemoteOfferPending; // read outside our lock: the server locks the other way round
        lock (_gate)
        {
            if (_state != SipDialogState.Confirmed)
            {
                throw new InvalidOperationException("The dialog is not confirmed.");
            }

            if (_localOfferPending)
            {
                throw new InvalidOperationException("Another re-INVITE or UPDATE of this side is in progress.");
            }

            if (remotePending)
            {
                throw new InvalidOperationException("The peer's own offer is still in progress (RFC 3261 14.1).");
            }

            _localOfferPending = true;
        }

        try
        {
            TimeSpan? interval = _sessionTimer.Interval;
            for (int attempt = 0; ; attempt++)
            {
                SipResponse response;
                SetOfferInFlight(true);
                try
                {
                    response = await SendAsync(
                        method,
                        offer,
                        cancellationToken,
                        decorate: r => SipSessionTimer.AddRequestHeaders(r, _ua.Options, interval, _peerMinSe)).ConfigureAwait(false);
                }
                finally
                {
                    SetOfferInFlight(false);
                }

                if (response.StatusCode == 491 && attempt < 3 && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(GlareDelay(), _ua.Time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (response.StatusCode == 422 && response.MinSE is { } minSe && attempt < 3 && !cancellationToken.IsCancellationRequested)
                {
                    interval = TimeSpan.FromSeconds(minSe); // RFC 4028 7.4: again with the interval the peer asks for
                    _peerMinSe = interval > _peerMinSe ? interval : _peerMinSe ?? interval;
                    continue;
                }

                if (response.StatusCode is >= 200 and < 300)
                {
                    UpdateTarget(response);
                    if (offer is not null)
                    {
                        LocalBody = offer;
                        RemoteBody = SipBody.From(response) ?? RemoteBody;
                    }

                    ApplySessionTimer(response, weWereUac: true);
                }
                else
                {
                    EndIfLost(response);
                    cancellationToken.ThrowIfCancellationRequested(); // our CANCEL took effect (487): the session is as before
                }

                return response;
            }
        }
        finally
        {
            lock (_gate)
            {
                _localOfferPending = false;
            }
        }
    }

    private void SetOfferInFlight(bool value)
    {
        lock (_gate)
        {
            _offerInFlight = value;
        }
    }

    /// <summary>RFC 3261 14.1: the Call-ID owner waits 2.1–4 s, the other side 0–2 s, in 10 ms units.</summary>
    private TimeSpan GlareDelay() =>
        TimeSpan.FromMilliseconds(IsCaller ? 2100 + (Random.Shared.Next(0, 191) * 10) : Random.Shared.Next(0, 201) * 10);

    /// <summary>RFC 5057 5.1: these responses to an in-dialog request mean the dialog is gone.</summary>
    private void EndIfLost(SipResponse response)
    {
        if (response.StatusCode is 404 or 408 or 410 or 416 or 481 or 482 or 483 or 484 or 485 or 502 or 604)
        {
            if (End(new SipDialogEnd(SipDialogEndReason.DialogLost, response.StatusCode)) && response.StatusCode == 408)
            {
                _ = SendAsync(SipMethods.Bye, null, CancellationToken.None, allowTerminated: true);
            }
        }
    }

    private async Task RefreshSessionAsync()
    {
        try
        {
            SipResponse response = PeerAllowsUpdate
                ? await UpdateAsync(null, CancellationToken.None).ConfigureAwait(false)
                : await ReinviteAsync(null, CancellationToken.None).ConfigureAwait(false);
            if (response.StatusCode >= 300 && State != SipDialogState.Terminated)
            {
                // RFC 4028 10: only 408, 481 or a timeout end the session (EndIfLost did that); retry other failures.
                _sessionTimer.RetryRefresh();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or SipUserAgentException or System.Net.Sockets.SocketException)
        {
            // Another offer is in progress, the dialog ended, or the next hop did not resolve: try again shortly
            // (a no-op once the dialog has ended).
            _sessionTimer.RetryRefresh();
        }
    }

    private Task ExpireSessionAsync()
    {
        LogSessionExpired(_ua.Logger, CallId);
        return HangUpAsync(SipDialogEndReason.SessionExpired, null);
    }

    internal async Task HangUpAsync(SipDialogEndReason reason, int? statusCode)
    {
        if (End(new SipDialogEnd(reason, statusCode)))
        {
            await SendAsync(SipMethods.Bye, null, CancellationToken.None, allowTerminated: true).ConfigureAwait(false);
        }
    }

    /// <summary>RFC 3261 12.2.1.1: Request-URI, Route headers and next hop from the route set and remote target.</summary>
    private (SipUri RequestUri, List<SipNameAddress> Routes, SipUri NextHop) Routing()
    {
        SipUri target = RemoteTarget;
        if (RouteSet.Count == 0)
        {
            return (target, [], target);
        }

        SipUri first = RouteSet[0].Uri;
        if (first.HasParameter("lr"))
        {
            return (target, [.. RouteSet], first);
        }

        // Strict router: it takes the Request-URI, the remote target goes last in Route.
        List<SipNameAddress> routes = [.. RouteSet.Skip(1)];
        routes.Add(new SipNameAddress(target));
        return (first, routes, first);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dialog {CallId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string callId, SipDialogEndReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dialog {CallId}: the session interval passed without a refresh; hanging up")]
    private static partial void LogSessionExpired(ILogger logger, string callId);
}
