using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// A binding of this agent's Contact to its address of record at a registrar (RFC 3261 section 10). It answers digest
/// challenges, follows 423 Interval Too Brief, refreshes before the granted expiry, and after a failure keeps retrying
/// with the RFC 5626 backoff until it is registered again. Dispose or <see cref="UnregisterAsync"/> it to stop.
/// </summary>
public sealed partial class SipRegistration : IAsyncDisposable
{
    private readonly SipUserAgent _ua;
    private readonly SipRegistrationOptions _options;
    private readonly string _callId = SipRequestFactory.NewCallId();
    private readonly string _localTag = SipTransactionMessages.NewTag();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private uint _cseq;
    private TimeSpan _asked;
    private ITimer? _timer;
    private ITimer? _keepAlive;
    private long _keepAlivesAnswered;
    private SipUri? _sentContact;
    private SipUri? _staleContact;
    private int _failures;
    private bool _stopped;

    internal SipRegistration(SipUserAgent ua, SipRegistrationOptions options)
    {
        _ua = ua;
        _options = options;
        _asked = options.Expires;
    }

    /// <summary>Raised (on a timer or network thread) whenever <see cref="State"/> changes.</summary>
    public event EventHandler<SipRegistrationState>? StateChanged;

    /// <summary>The registrar.</summary>
    public SipUri Registrar => _options.Registrar;

    /// <summary>The current state.</summary>
    public SipRegistrationState State { get; private set; } = SipRegistrationState.Registering;

    /// <summary>The expiry the registrar granted in its last 200, or null.</summary>
    public TimeSpan? GrantedExpires { get; private set; }

    /// <summary>Every binding of the address of record the registrar listed in its last 200 (other devices included).</summary>
    public IReadOnlyList<SipNameAddress> Bindings { get; private set; } = [];

    /// <summary>The last final response from the registrar, or null.</summary>
    public SipResponse? LastResponse { get; private set; }

    /// <summary>How many CRLF keep-alives the registrar's connection answered (TCP and TLS only).</summary>
    public long KeepAlivesAnswered => Interlocked.Read(ref _keepAlivesAnswered);

    /// <summary>Removes the binding (REGISTER with expires 0) and stops refreshing.</summary>
    /// <param name="cancellationToken">Stops waiting for the registrar.</param>
    /// <returns>The registrar's final response.</returns>
    public async Task<SipResponse> UnregisterAsync(CancellationToken cancellationToken = default)
    {
        Stop();
        try
        {
            return await SendAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SetState(SipRegistrationState.Unregistered);
            _ua.Forget(this);
        }
    }

    /// <summary>
    /// Refreshes the binding now instead of at its time: after a network change the registrar learns the new source
    /// address (and a learnt public address is checked again), so calls reach the device on its new network.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the registrar.</param>
    /// <returns>The registrar's final response; the next refresh or retry is scheduled from it.</returns>
    /// <exception cref="ObjectDisposedException">The registration was stopped.</exception>
    public Task<SipResponse> RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
        }

        return SendAsync(_asked, cancellationToken);
    }

    /// <summary>Stops refreshing without removing the binding (it lapses at the registrar when it expires).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Stop();
        SetState(SipRegistrationState.Unregistered);
        _ua.Forget(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends the first REGISTER; throws when it is refused.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        SipResponse response = await SendAsync(_asked, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is < 200 or >= 300 || State != SipRegistrationState.Registered)
        {
            // A 2xx that grants no time (our binding listed with expires=0, or missing) is no registration either.
            Stop();
            SetState(SipRegistrationState.Unregistered);
            throw new SipRegistrationException(response);
        }
    }

    private void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }

    /// <summary>One REGISTER exchange, including digest and 423 retries; schedules the next refresh or retry.</summary>
    private async Task<SipResponse> SendAsync(TimeSpan expires, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SipResponse? challenge = null;
            SipRequest? previous = null;
            for (int attempt = 0; ; attempt++)
            {
                SipUri hop = _ua.Options.OutboundProxy ?? _options.Registrar;
                IPEndPoint destination = await _ua.ResolveAsync(hop, cancellationToken).ConfigureAwait(false);
                SipRequest request = Build(destination, expires);
                if (challenge is not null)
                {
                    if (!_ua.TryAuthorize(previous!, request, challenge))
                    {
                        return Finish(challenge, expires);
                    }
                }
                else
                {
                    _ua.Digest?.Authorize(request); // refreshes reuse the last challenge with the next nonce count
                }

                previous = request;
                SipResponse response = await _ua.SendTransactionAsync(request, destination, null, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is 401 or 407 && attempt < 3)
                {
                    challenge = response;
                    continue;
                }

                if (response.StatusCode == 423 && expires > TimeSpan.Zero && attempt < 3 &&
                    uint.TryParse(response.GetHeader(SipHeaderNames.MinExpires), NumberStyles.None, CultureInfo.InvariantCulture, out uint min))
                {
                    expires = _asked = TimeSpan.FromSeconds(min); // RFC 3261 10.2.8: ask again with at least Min-Expires
                    challenge = null;
                    continue;
                }

                return Finish(response, expires);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private SipRequest Build(IPEndPoint destination, TimeSpan expires)
    {
        uint cseq;
        lock (_gate)
        {
            cseq = ++_cseq;
        }

        SipUserAgentOptions ua = _ua.Options;
        string seconds = SipSessionTimer.Seconds(expires);
        SipRequest request = _ua.Factory.Create(
            SipMethods.Register,
            _options.Registrar,
            _ua.Factory.LocalParty(_localTag),
            new SipNameAddress(ua.Identity),
            _callId,
            cseq,
            _ua.OutboundRoutes,
            destination,
            withContact: false,
            body: null);
        List<SipParameter> push = [];
        if (_options.Push is { } pn)
        {
            push.Add(new SipParameter("pn-provider", pn.Provider));
            push.Add(new SipParameter("pn-prid", pn.Prid));
            if (pn.Param is not null)
            {
                push.Add(new SipParameter("pn-param", pn.Param));
            }
        }

        SipNameAddress contact = _ua.Factory.Contact(destination, push, [new SipParameter("expires", seconds)]);
        request.AddHeader(SipHeaderNames.Contact, contact.ToString());
        SipUri? stale;
        lock (_gate)
        {
            _sentContact = contact.Uri;
            stale = _staleContact;
        }

        if (stale is not null && expires > TimeSpan.Zero && !stale.Equals(contact.Uri))
        {
            request.AddHeader(SipHeaderNames.Contact, "<" + stale + ">;expires=0"); // the binding under our private address goes
        }
        request.AddHeader(SipHeaderNames.Expires, seconds);
        return request;
    }

    private SipResponse Finish(SipResponse response, TimeSpan expires)
    {
        LastResponse = response;
        _ua.Metrics.Registration(response.StatusCode);
        if (expires == TimeSpan.Zero)
        {
            return response;
        }

        TimeSpan granted = response.StatusCode is >= 200 and < 300 ? Granted(response, expires) : TimeSpan.Zero;
        if (granted > TimeSpan.Zero)
        {
            GrantedExpires = granted;
            Bindings = response.Contacts;
            _failures = 0;
            lock (_gate)
            {
                _staleContact = null;
            }

            if (LearnPublicAddress(response))
            {
                Schedule(TimeSpan.Zero); // re-register now with the Contact the registrar can reach
                SetState(SipRegistrationState.Registered);
                return response;
            }

            // Refresh halfway for short bindings, ten minutes early for long ones.
            TimeSpan half = granted / 2;
            TimeSpan early = granted - TimeSpan.FromMinutes(10);
            TimeSpan refresh = early > half ? early : half;
            // Bounded: a registrar granting 1 s must not make a REGISTER storm, one granting years must not overflow a timer.
            Schedule(refresh < MinimumRefresh ? MinimumRefresh : refresh > MaximumRefresh ? MaximumRefresh : refresh);
            SetState(SipRegistrationState.Registered);
            ScheduleKeepAlive();
            LogRegistered(_ua.Logger, _options.Registrar, (int)granted.TotalSeconds);
        }
        else
        {
            int failures = ++_failures;
            // RFC 5626 4.5: min(max, base * 2^failures), randomized to 50-100 %.
            double wait = Math.Min(_options.RetryMax.TotalSeconds, _options.RetryBase.TotalSeconds * Math.Pow(2, Math.Min(failures, 30)));
            Schedule(TimeSpan.FromSeconds(wait * (0.5 + (Random.Shared.NextDouble() / 2))));
            SetState(SipRegistrationState.RetryWaiting);
            LogFailed(_ua.Logger, _options.Registrar, response.StatusCode);
        }

        return response;
    }

    /// <summary>RFC 3581: the registrar saw us at received:rport; when that is not our Contact, switch to it.</summary>
    private static TimeSpan MinimumRefresh { get; } = TimeSpan.FromSeconds(5);

    private static TimeSpan MaximumRefresh { get; } = TimeSpan.FromDays(1);

    private bool LearnPublicAddress(SipResponse response)
    {
        SipUri? sent;
        lock (_gate)
        {
            sent = _sentContact;
        }

        // Only over UDP: over TCP/TLS rport is the connection's ephemeral port, and the proxy reaches us on that connection.
        if (!_ua.Options.LearnPublicAddress || _ua.Options.ContactHost is not null || sent is null || response.Via.Count == 0 ||
            _ua.Transport.Protocol != Transports.SipTransportProtocol.Udp)
        {
            return false;
        }

        SipVia via = response.Via[0];
        if (via.Received is null && via.RPort is null)
        {
            return false;
        }

        string host = via.Received is { } received && IPAddress.TryParse(received, out IPAddress? address) ? SipDestinations.FormatHost(address) : sent.Host;
        int port = via.RPort ?? sent.Port ?? 5060;
        if (string.Equals(host, sent.Host, StringComparison.OrdinalIgnoreCase) && port == (sent.Port ?? 5060))
        {
            return false;
        }

        _ua.Factory.PublicAddress = Tuple.Create(host, port);
        lock (_gate)
        {
            _staleContact = sent;
        }

        LogPublicAddress(_ua.Logger, host, port);
        return true;
    }

    private TimeSpan Granted(SipResponse response, TimeSpan asked)
    {
        SipUri? sent;
        lock (_gate)
        {
            sent = _sentContact;
        }

        foreach (SipNameAddress binding in response.Contacts)
        {
            bool ours = sent is not null && binding.Uri.UnescapedUser == sent.UnescapedUser &&
                string.Equals(binding.Uri.Host, sent.Host, StringComparison.OrdinalIgnoreCase) && (binding.Uri.Port ?? 5060) == (sent.Port ?? 5060);
            if (ours && binding.Expires is { } e)
            {
                return TimeSpan.FromSeconds(e);
            }
        }

        return response.Expires is { } header ? TimeSpan.FromSeconds(header) : asked;
    }

    private void Schedule(TimeSpan due)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _timer?.Dispose();
            _timer = _ua.Time.CreateTimer(static s => _ = ((SipRegistration)s!).RefreshAsync(), this, due, Timeout.InfiniteTimeSpan);
        }
    }

    private void ScheduleKeepAlive()
    {
        TimeSpan interval = _options.KeepAliveInterval ?? TimeSpan.FromSeconds(120);
        if (interval <= TimeSpan.Zero || _ua.Transport is not Transports.SipStreamTransport)
        {
            return;
        }

        // RFC 5626 4.4.1: a random 80-100 % of the interval, so many clients do not ping in step.
        TimeSpan due = interval * (0.8 + (Random.Shared.NextDouble() * 0.2));
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _keepAlive?.Dispose();
            _keepAlive = _ua.Time.CreateTimer(static s => _ = ((SipRegistration)s!).KeepAliveAsync(), this, due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task KeepAliveAsync()
    {
        if (_ua.Transport is not Transports.SipStreamTransport stream)
        {
            return;
        }

        using var pongWait = new CancellationTokenSource(TimeSpan.FromSeconds(10), _ua.Time);
        try
        {
            IPEndPoint registrar = await _ua.ResolveAsync(_ua.Options.OutboundProxy ?? _options.Registrar, pongWait.Token).ConfigureAwait(false);
            await stream.PingAsync(registrar, pongWait.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _keepAlivesAnswered);
            ScheduleKeepAlive();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or Transports.SipTransportException or
            ObjectDisposedException or SipUserAgentException)
        {
            // The flow failed (RFC 5626 4.4.1): register again now, over a new connection.
            LogKeepAliveFailed(_ua.Logger, _options.Registrar, ex);
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
            }

            await RefreshAsync().ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
        }

        if (State == SipRegistrationState.RetryWaiting)
        {
            SetState(SipRegistrationState.Registering);
        }

        try
        {
            await SendAsync(_asked, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Timer-driven: any failure (no route, a full table, shutdown) counts as a failed REGISTER and is retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRefreshError(_ua.Logger, _options.Registrar, ex);
            Finish(new SipResponse(503), _asked);
        }
    }

    private void SetState(SipRegistrationState state)
    {
        bool changed;
        lock (_gate)
        {
            changed = State != state;
            State = state;
        }

        if (changed && StateChanged is { } handler)
        {
            try
            {
                handler(this, state);
            }
#pragma warning disable CA1031 // Application code on a timer or network thread: logged, the registration goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_ua.Logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A StateChanged handler of a registration failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered at {Registrar} for {Seconds} s")]
    private static partial void LogRegistered(ILogger logger, SipUri registrar, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration at {Registrar} failed with {Status}; retrying after a backoff")]
    private static partial void LogFailed(ILogger logger, SipUri registrar, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "The registrar sees us at {Host}:{Port} (behind a NAT); re-registering with that Contact")]
    private static partial void LogPublicAddress(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No keep-alive pong from {Registrar}; registering again")]
    private static partial void LogKeepAliveFailed(ILogger logger, SipUri registrar, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the registration at {Registrar} failed")]
    private static partial void LogRefreshError(ILogger logger, SipUri registrar, Exception exception);
}
