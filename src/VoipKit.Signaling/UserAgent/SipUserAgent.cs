using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// A SIP user agent (RFC 3261): places and receives calls, keeps their dialogs, registers with a registrar, and answers
/// what a phone must answer (OPTIONS, CANCEL, stray in-dialog requests with 481). It owns one transport and the
/// transaction layer over it.
/// </summary>
/// <example>
/// <code>
/// await using var ua = new SipUserAgent(new SipUserAgentOptions { Identity = SipUri.Parse("sip:alice@example.com") });
/// ua.IncomingCall = async (call, ct) => await call.AcceptAsync(SipBody.Sdp(answerSdp), ct);
/// await ua.StartAsync();
/// SipCallResult result = await ua.InviteAsync(SipUri.Parse("sip:bob@example.com"), SipBody.Sdp(offerSdp));
/// if (result.Dialog is { } call) { await call.ByeAsync(); }
/// </code>
/// </example>
public sealed partial class SipUserAgent : IAsyncDisposable
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> each agent publishes on: calls placed and received by
    /// outcome, REGISTER outcomes, dialogs and transactions in progress.
    /// </summary>
    public const string MeterName = "VoipKit.Signaling";

    private readonly Func<SipMessageHandler, ISipTransport> _transportFactory;
    private readonly SipTransportSender _sender = new();
    private readonly Dictionary<string, SipDialog> _dialogs = new(StringComparer.Ordinal);
    private readonly HashSet<SipRegistration> _registrations = [];
    private readonly SipUserAgentServer _server;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _state; // 0 created, 1 started, 2 disposed

    /// <summary>Creates an agent that makes its own UDP, TCP or TLS transport from <paramref name="options"/>.</summary>
    /// <param name="options">The settings.</param>
    public SipUserAgent(SipUserAgentOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates an agent over a transport of the caller's making (for example an in-memory one in tests).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="transportFactory">Makes the transport, given the handler it must deliver received messages to; null makes the one <paramref name="options"/> describe.</param>
    public SipUserAgent(SipUserAgentOptions options, Func<SipMessageHandler, ISipTransport>? transportFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = options.TimeProvider ?? TimeProvider.System;
        Logger = options.LoggerFactory?.CreateLogger<SipUserAgent>() ?? NullLogger<SipUserAgent>.Instance;
        _transportFactory = transportFactory ?? CreateTransport;
        Layer = new SipTransactionLayer(_sender, Time, options.Transactions, options.LoggerFactory?.CreateLogger<SipTransactionLayer>())
        {
        };
        _server = new SipUserAgentServer(this);
        Layer.RequestReceived = _server.OnRequest;
        Layer.CancelReceived = _server.OnCancel;
        Layer.UnmatchedMessage = _server.OnUnmatched;
        Factory = new SipRequestFactory(options, _sender);
        Metrics = new SipUserAgentMetrics(() => Dialogs.Count, () => Layer.Count);
        Digest = options.Credentials is { } credentials ? new SipDigestClient(credentials) : null;
        OutboundRoutes = options.OutboundProxy is { } proxy ? [new SipNameAddress(WithLr(proxy))] : [];
    }

    /// <summary>The settings.</summary>
    public SipUserAgentOptions Options { get; }

    /// <summary>The transport (available once started).</summary>
    public ISipTransport Transport => _sender.Transport;

    /// <summary>The local address and port the transport listens on (available once started).</summary>
    public IPEndPoint LocalEndPoint => _sender.Transport.LocalEndPoint;

    /// <summary>
    /// Called for each new incoming call. Answer it (ring, accept or reject) from here or later; an exception thrown here
    /// answers the call with 500. When not set, calls are refused with 480.
    /// </summary>
    public Func<SipIncomingCall, CancellationToken, ValueTask>? IncomingCall { get; set; }

    /// <summary>The dialogs in progress.</summary>
    public IReadOnlyList<SipDialog> Dialogs
    {
        get
        {
            lock (_gate)
            {
                return [.. _dialogs.Values];
            }
        }
    }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal SipTransactionLayer Layer { get; }

    internal SipRequestFactory Factory { get; }

    internal SipDigestClient? Digest { get; }

    internal SipUserAgentMetrics Metrics { get; }

    internal IReadOnlyList<SipNameAddress> OutboundRoutes { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    internal SipUserAgentServer Server => _server;

    /// <summary>Opens the transport and starts receiving.</summary>
    /// <param name="cancellationToken">Stops starting.</param>
    /// <returns>A task that completes when the agent listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The user agent was already started or disposed.");
        }

        ISipTransport transport = _transportFactory(OnReceivedAsync);
        _sender.Attach(transport);
        await transport.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls <paramref name="target"/>: INVITE, then CANCEL when <paramref name="cancellationToken"/> fires before the answer.</summary>
    /// <param name="target">Who to call.</param>
    /// <param name="offer">The offer (normally SDP), or null to let the callee offer in its 200.</param>
    /// <param name="onProvisional">
    /// Called with each provisional response (180 Ringing, 183 with early media...), in order, on the thread that received
    /// it: keep it short and never block in it.
    /// </param>
    /// <param name="cancellationToken">Cancels the call while it rings: CANCEL is sent and the task throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The outcome; on success the confirmed dialog, already acknowledged.</returns>
    public Task<SipCallResult> InviteAsync(SipUri target, SipBody? offer, Action<SipResponse>? onProvisional = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ThrowIfNotRunning();
        return PlaceAsync(new SipOutgoingInvite(this, target, offer, onProvisional), cancellationToken);
    }

    private async Task<SipCallResult> PlaceAsync(SipOutgoingInvite invite, CancellationToken cancellationToken)
    {
        try
        {
            SipCallResult result = await invite.RunAsync(cancellationToken).ConfigureAwait(false);
            Metrics.CallPlaced(SipUserAgentMetrics.StatusClass(result.StatusCode));
            return result;
        }
        catch (OperationCanceledException)
        {
            Metrics.CallPlaced("cancelled");
            throw;
        }
    }

    /// <summary>Registers this agent's Contact at a registrar and keeps the binding fresh until it is disposed or unregistered.</summary>
    /// <param name="options">The registrar and the binding's settings.</param>
    /// <param name="cancellationToken">Stops the first attempt.</param>
    /// <returns>The registration, registered.</returns>
    /// <exception cref="SipRegistrationException">The registrar refused (for example 403, or a 401 the credentials cannot answer) or did not answer.</exception>
    public async Task<SipRegistration> RegisterAsync(SipRegistrationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfNotRunning();
        var registration = new SipRegistration(this, options);
        lock (_gate)
        {
            _registrations.Add(registration);
        }

        try
        {
            await registration.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Forget(registration);
            throw;
        }

        return registration;
    }

    /// <summary>Sends an out-of-dialog OPTIONS (a capability query or keep-alive) and returns the final response.</summary>
    /// <param name="target">Where to send it.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The final response (408 when none came).</returns>
    public async Task<SipResponse> OptionsAsync(SipUri target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ThrowIfNotRunning();
        IPEndPoint destination = await ResolveAsync(Options.OutboundProxy ?? target, cancellationToken).ConfigureAwait(false);
        SipRequest request = Factory.Create(
            SipMethods.Options, target, Factory.LocalParty(SipTransactionMessages.NewTag()), new SipNameAddress(target), SipRequestFactory.NewCallId(), 1, OutboundRoutes, destination, withContact: true, body: null);
        return await SendTransactionAsync(request, destination, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hangs up every dialog (one BYE each, not awaited), refuses pending calls and closes the transport.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        int previous = Interlocked.Exchange(ref _state, 2);
        if (previous == 2)
        {
            return;
        }

        try
        {
            SipIncomingCall[] pending;
            SipDialog[] dialogs;
            SipRegistration[] registrations;
            lock (_gate)
            {
                pending = _server.PendingCalls();
                dialogs = [.. _dialogs.Values];
                registrations = [.. _registrations];
            }

            foreach (SipRegistration registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }

            foreach (SipIncomingCall call in pending)
            {
                call.Abandon(480);
            }

            if (previous == 1)
            {
                List<Task> byes = [];
                foreach (SipDialog dialog in dialogs)
                {
                    if (dialog.End(new SipDialogEnd(SipDialogEndReason.Shutdown)))
                    {
                        byes.Add(ByeAtShutdownAsync(dialog));
                    }
                }

                await WaitForByesAsync(byes).ConfigureAwait(false);
            }

            // Last: application callbacks registered on the handlers' token run here and may throw.
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            Layer.Dispose();
            if (previous == 1)
            {
                await _sender.Transport.DisposeAsync().ConfigureAwait(false);
            }

            _shutdown.Dispose();
            Metrics.Dispose();
        }
    }

    /// <summary>The BYE of a call still up at dispose: its transaction retransmits it until answered or until we stop waiting.</summary>
    private async Task ByeAtShutdownAsync(SipDialog dialog)
    {
        try
        {
            SipResponse response = await dialog.SendAsync(SipMethods.Bye, null, CancellationToken.None, allowTerminated: true).ConfigureAwait(false);
            LogShutdownBye(Logger, dialog.CallId, response.StatusCode);
        }
        catch (Exception ex) when (ex is SipUserAgentException or SipTransportException or SocketException or ObjectDisposedException or ArgumentException)
        {
            // The peer's target does not resolve or the transport is gone: the call is over on our side anyway.
            LogShutdownByeFailed(Logger, dialog.CallId, ex);
        }
    }

    private async Task WaitForByesAsync(List<Task> byes)
    {
        if (byes.Count == 0 || Options.ShutdownTimeout == TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.WhenAll(byes).WaitAsync(Options.ShutdownTimeout, Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogShutdownTimedOut(Logger, byes.Count(t => !t.IsCompleted), Options.ShutdownTimeout);
        }
    }

    internal static string DialogKey(string callId, string localTag, string remoteTag) => callId + "|" + localTag + "|" + remoteTag;

    internal static SipResponse FinalResponse(SipRequest request, SipTransactionResult result) => result.Outcome switch
    {
        SipTransactionOutcome.Response when result.Response is { } r => r,
        SipTransactionOutcome.TimedOut => SipTransactionMessages.CreateResponse(request, 408),
        _ => SipTransactionMessages.CreateResponse(request, 503),
    };

    internal async Task<SipResponse> SendTransactionAsync(SipRequest request, IPEndPoint destination, Action<SipResponse>? onResponse, CancellationToken cancellationToken)
    {
        SipClientTransaction transaction = Layer.SendRequest(request, destination, onResponse);
        SipTransactionResult result = await transaction.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return FinalResponse(request, result);
    }

    internal ValueTask<IPEndPoint> ResolveAsync(SipUri uri, CancellationToken cancellationToken)
    {
        AddressFamily family = _sender.Transport.LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && !_sender.Transport.LocalEndPoint.Address.Equals(IPAddress.IPv6Any)
            ? AddressFamily.InterNetworkV6
            : AddressFamily.InterNetwork;
        return SipDestinations.ResolveAsync(uri, _sender.Transport.Protocol, family, cancellationToken);
    }

    internal void SendDirect(SipMessage message, EndPoint destination) => _ = SendDirectAsync(message, destination);

    /// <summary>
    /// Adds credentials to <paramref name="request"/>, the re-sent form of <paramref name="previous"/> that got the 401/407
    /// <paramref name="challenge"/>; false when it cannot be answered (no or rejected credentials, unsupported algorithm).
    /// </summary>
    internal bool TryAuthorize(SipRequest previous, SipRequest request, SipResponse challenge)
    {
        if (Digest is null)
        {
            return false;
        }

        // The digest client compares with the credentials the challenged request carried to spot a rejection.
        CopyCredentials(previous, request);
        SipDigestAuthorizeResult result = Digest.TryAuthorize(challenge, request);
        if (result != SipDigestAuthorizeResult.Authorized)
        {
            LogNotAuthorized(Logger, request.Method, challenge.StatusCode, result);
            return false;
        }

        return true;
    }

    /// <summary>Copies Authorization and Proxy-Authorization (an ACK for 2xx carries the INVITE's credentials, RFC 3261 13.2.2.4).</summary>
    internal static void CopyCredentials(SipRequest from, SipRequest to)
    {
        to.RemoveHeaders(SipHeaderNames.Authorization);
        to.RemoveHeaders(SipHeaderNames.ProxyAuthorization);
        foreach (SipHeader h in from.Headers)
        {
            if (h.Is(SipHeaderNames.Authorization) || h.Is(SipHeaderNames.ProxyAuthorization))
            {
                to.Headers.Add(h);
            }
        }
    }

    internal void Forget(SipRegistration registration)
    {
        lock (_gate)
        {
            _registrations.Remove(registration);
        }
    }

    internal void AddDialog(SipDialog dialog)
    {
        lock (_gate)
        {
            _dialogs[dialog.Key] = dialog;
        }
    }

    internal void RemoveDialog(SipDialog dialog)
    {
        lock (_gate)
        {
            if (_dialogs.TryGetValue(dialog.Key, out SipDialog? current) && ReferenceEquals(current, dialog))
            {
                _dialogs.Remove(dialog.Key);
            }
        }
    }

    private static SipUri WithLr(SipUri proxy) =>
        proxy.HasParameter("lr") ? proxy : SipUri.Parse(proxy.ToString() + ";lr");

    private ISipTransport CreateTransport(SipMessageHandler handler)
    {
        SipTransportOptions transportOptions = (Options.TransportOptions ?? new SipTransportOptions()) with
        {
            TimeProvider = Options.TransportOptions?.TimeProvider ?? Options.TimeProvider,
            LoggerFactory = Options.TransportOptions?.LoggerFactory ?? Options.LoggerFactory,
        };
        return Options.Transport == SipTransportProtocol.Udp
            ? new SipUdpTransport(Options.LocalEndPoint, handler, transportOptions)
            : new SipStreamTransport(Options.LocalEndPoint, handler, transportOptions, Options.Transport == SipTransportProtocol.Tls ? Options.Tls : null);
    }

    private void ThrowIfNotRunning()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == 2, this);
        if (Volatile.Read(ref _state) == 0)
        {
            throw new InvalidOperationException("Start the user agent first.");
        }
    }

    private ValueTask OnReceivedAsync(SipReceivedMessage received, CancellationToken cancellationToken)
    {
        // While disposing, only responses still count: they answer the BYEs of the calls that were up.
        int state = Volatile.Read(ref _state);
        if (state == 1 || (state == 2 && received.Message is SipResponse))
        {
            Layer.OnMessageReceived(received.Message, received.RemoteEndPoint);
        }

        return ValueTask.CompletedTask;
    }

    internal SipDialog? FindDialog(string? callId, string? localTag, string? remoteTag)
    {
        if (callId is null || localTag is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _dialogs.GetValueOrDefault(DialogKey(callId, localTag, remoteTag ?? string.Empty));
        }
    }

    private async Task SendDirectAsync(SipMessage message, EndPoint destination)
    {
        try
        {
            await _sender.Transport.SendAsync(message, destination, _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: nothing more is sent.
        }
        catch (Exception ex) when (ex is SocketException or SipTransportException or IOException or ObjectDisposedException)
        {
            LogSendFailed(Logger, destination, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Method} got {Status} and could not be authorized: {Result}")]
    private static partial void LogNotAuthorized(ILogger logger, string method, int status, SipDigestAuthorizeResult result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a SIP message to {Destination}")]
    private static partial void LogSendFailed(ILogger logger, EndPoint destination, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shutdown: the BYE of call {CallId} got {Status}")]
    private static partial void LogShutdownBye(ILogger logger, string callId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: the BYE of call {CallId} could not be sent")]
    private static partial void LogShutdownByeFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: {Count} BYE(s) still unanswered after {Timeout}; closing anyway")]
    private static partial void LogShutdownTimedOut(ILogger logger, int count, TimeSpan timeout);
}
