using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using VoipKit.Audio;
using VoipKit.Crypto.Signal;
using VoipKit.Media.Session;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;

namespace VoipKit;

/// <summary>
/// One call, outgoing (<see cref="CallClient.CreateCall"/> then <see cref="ConnectAsync"/>) or incoming
/// (<see cref="IncomingCall.AcceptAsync"/>): its state, security, media controls and statistics.
/// </summary>
/// <remarks>
/// Events are raised on the thread that observed the change (a network or timer thread), never under a lock of the
/// SDK: a handler may call any method of the call, <see cref="DisposeAsync"/> included. The app owns the audio source
/// and sink: the call starts and stops them but never disposes them.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Call is the product's word for it; VB callers can write [Call].")]
public sealed partial class Call : IAsyncDisposable
{
    private readonly CallContext _ctx;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CallStateMachine _state;
    private readonly TaskCompletionSource<CallEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ulong _sessionId = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) >> 1; // the SDP o= id
    private readonly CancellationTokenSource _lifetime = new();
    private IAudioSource _source;
    private IAudioSink _sink;
    private SipDialog? _dialog;
    private CallMediaPath? _path;
    private MediaSession? _media;
    private SdpLocalOptions? _local;
    private SessionDescription? _localSdp;
    private SignalPublicKey? _remoteIdentity;
    private string? _safetyNumber;
    private CallSecurity _security;
    private long _activeSince;
    private bool _connectStarted;
    private bool _muted;
    private bool _localHold;
    private bool _remoteHold;
    private int _ending;
    private long _endedAt;

    internal Call(CallContext context, CallDirection direction, string remoteParty, IAudioSource source, IAudioSink sink)
    {
        _ctx = context;
        _logger = context.Loggers.CreateLogger<Call>();
        Direction = direction;
        RemoteParty = remoteParty;
        _source = source;
        _sink = sink;
        _state = new CallStateMachine(direction == CallDirection.Outgoing ? CallState.Calling : CallState.Connecting);
    }

    /// <summary>Raised on every change of <see cref="State"/>, last with <see cref="CallState.Ended"/> once the call released everything.</summary>
    public event EventHandler<CallState>? StateChanged;

    /// <summary>Raised for each DTMF digit the peer sends (RFC 4733 telephone-event).</summary>
    public event EventHandler<DtmfReceivedEventArgs>? DtmfReceived;

    /// <summary>Who placed the call.</summary>
    public CallDirection Direction { get; }

    /// <summary>The peer's address of record, as <c>user@domain</c>.</summary>
    public string RemoteParty { get; }

    /// <summary>The current state.</summary>
    public CallState State
    {
        get
        {
            lock (_gate)
            {
                return _state.State;
            }
        }
    }

    /// <summary>How the media is protected: end to end (verified or not), hop by hop, or clear. <see cref="CallSecurity.Clear"/> until negotiated.</summary>
    public CallSecurity Security
    {
        get
        {
            lock (_gate)
            {
                return _security;
            }
        }
    }

    /// <summary>
    /// The safety number of this end-to-end call (60 digits, the same on both devices): the users compare it out of band
    /// and then call <see cref="MarkVerified"/>. Null for a call that is not end to end.
    /// </summary>
    public string? SafetyNumber => _safetyNumber;

    /// <summary>Completes when the call ends, with the reason; never faults.</summary>
    public Task<CallEnd> Ended => _ended.Task;

    /// <summary>The media path in use, or null before one is chosen.</summary>
    public CallPath? Path => _path?.Path;

    /// <summary>True while this side holds the call.</summary>
    public bool IsOnHold => Volatile.Read(ref _localHold);

    /// <summary>True while the peer holds the call.</summary>
    public bool IsRemoteOnHold => Volatile.Read(ref _remoteHold);

    /// <summary>Mutes the microphone: the call keeps sending (silence), so the peer's statistics stay meaningful.</summary>
    public bool IsMuted
    {
        get => Volatile.Read(ref _muted);
        set
        {
            Volatile.Write(ref _muted, value);
            ApplyMediaControls();
        }
    }

    /// <summary>
    /// Records that the users compared the <see cref="SafetyNumber"/> and it matched: this call, and later calls with
    /// the same identity key, report <see cref="CallSecurity.EndToEndVerified"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The call is not end to end.</exception>
    public void MarkVerified()
    {
        SignalPublicKey identity = _remoteIdentity ?? throw new InvalidOperationException("Only an end-to-end call has an identity to verify.");
        _ctx.Keys.MarkVerified(RemoteParty, identity);
        lock (_gate)
        {
            _security = CallSecurity.EndToEndVerified;
        }
    }

    /// <summary>A snapshot of the call's quality and path.</summary>
    /// <returns>The statistics; zeros before media flows.</returns>
    public CallStatistics GetStatistics()
    {
        long since = Interlocked.Read(ref _activeSince);
        long until = Interlocked.Read(ref _endedAt);
        TimeSpan duration = since == 0 ? TimeSpan.Zero : until == 0 ? _ctx.Time.GetElapsedTime(since) : _ctx.Time.GetElapsedTime(since, until);
        return CallStatistics.From(_media?.GetStatistics(), _path?.Path, Security, duration, _path?.SendFailures ?? 0, _path?.RelayedBytes ?? 0);
    }

    /// <summary>A statistics snapshot every <paramref name="interval"/> until the call ends or the token fires.</summary>
    /// <param name="interval">Time between snapshots (at least 100 ms).</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>The snapshots.</returns>
    public async IAsyncEnumerable<CallStatistics> GetStatisticsUpdatesAsync(TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(100));
        while (!_ended.Task.IsCompleted)
        {
            Task delay = Task.Delay(interval, _ctx.Time, cancellationToken);
            if (await Task.WhenAny(delay, _ended.Task).ConfigureAwait(false) != delay)
            {
                yield break;
            }

            await delay.ConfigureAwait(false); // throws when cancelled
            yield return GetStatistics();
        }
    }

    /// <summary>Replaces the microphone and/or speaker mid-call (null keeps the current one); the old ones are stopped, not disposed.</summary>
    /// <param name="source">The new source, or null.</param>
    /// <param name="sink">The new sink, or null.</param>
    /// <param name="cancellationToken">Cancels starting the new ones.</param>
    /// <returns>A task that completes when the new audio is in use.</returns>
    public async Task SetAudioAsync(IAudioSource? source, IAudioSink? sink, CancellationToken cancellationToken = default)
    {
        MediaSession? media = _media;
        if (source is not null)
        {
            _source = source;
            if (media is not null)
            {
                await media.ReplaceSourceAsync(source, cancellationToken).ConfigureAwait(false);
            }
        }

        if (sink is not null)
        {
            _sink = sink;
            if (media is not null)
            {
                await media.ReplaceSinkAsync(sink, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends DTMF digits (0-9, *, #, A-D) as RFC 4733 telephone events, one after the other.</summary>
    /// <param name="digits">The digits.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the last digit was sent.</returns>
    /// <exception cref="InvalidOperationException">The call is not active, or the peer does not take telephone events.</exception>
    public Task SendDtmfAsync(string digits, CancellationToken cancellationToken = default)
    {
        MediaSession media = _media is { } m && !_ended.Task.IsCompleted && Volatile.Read(ref _ending) == 0
            ? m
            : throw new InvalidOperationException(_ended.Task.IsCompleted ? $"The call has ended ({_ended.Task.Result})." : "DTMF needs an active call.");
        return media.SendDtmfAsync(digits, cancellationToken);
    }

    /// <summary>Hangs up (BYE, or CANCEL before the answer); returns when the call has released everything.</summary>
    /// <param name="cancellationToken">Stops waiting; the call still ends.</param>
    /// <returns>A task that completes when the call has ended.</returns>
    public async Task HangUpAsync(CancellationToken cancellationToken = default)
    {
        await EndAsync(new CallEnd(CallEndReason.LocalHangUp, null, "hung up by this side"), sendBye: true).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hangs up if the call is still up and releases its sockets and keys.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        // Safe inside this call's own StateChanged(Ended) handler: by then everything is released.
        _ = EndAsync(new CallEnd(CallEndReason.LocalHangUp, null, "the call was disposed"), sendBye: true);
        await _released.Task.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Direction} call with {RemoteParty} ({State})";

    /// <summary>Ends the call once: BYE when asked, media and ICE stopped, keys wiped; then StateChanged(Ended) and <see cref="Ended"/>.</summary>
    internal async Task EndAsync(CallEnd end, bool sendBye)
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0)
        {
            await _released.Task.ConfigureAwait(false);
            return;
        }

        LogEnded(_logger, RemoteParty, end);
        Interlocked.Exchange(ref _endedAt, _ctx.Time.GetTimestamp());
        try
        {
            StopWatchdog();
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await ReleaseAsync(sendBye).ConfigureAwait(false);
        }
        finally
        {
            // Whatever failed while releasing, the call is over: no waiter may hang on it.
            WipeSdesKeys(_localSdp);
            bool changed;
            lock (_gate)
            {
                changed = _state.MoveTo(CallState.Ended);
            }

            _lifetime.Dispose();
            _ctx.Forget(this);
            _released.TrySetResult();
            if (changed)
            {
                RaiseStateChanged(CallState.Ended);
            }

            _ended.TrySetResult(end);
        }
    }

    // BYE when asked, then the media session (which wipes its SRTP keys) and the path (sockets, ICE, relays).
    private async Task ReleaseAsync(bool sendBye)
    {
        SipDialog? dialog = _dialog;
        if (dialog is not null)
        {
            dialog.OfferReceived = null;
            if (sendBye && dialog.State != SipDialogState.Terminated)
            {
                try
                {
                    await dialog.ByeAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), _ctx.Time).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException or SipUserAgentException or ObjectDisposedException or InvalidOperationException)
                {
                    LogByeFailed(_logger, RemoteParty, e.Message); // the dialog is over on our side either way
                }
            }
        }

        try
        {
            if (_media is { } media)
            {
                media.DtmfReceived -= OnDtmf;
                await media.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (_path is { } path)
            {
                path.StateChanged -= OnPathStateChanged;
                await path.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void MoveTo(CallState next)
    {
        bool changed;
        lock (_gate)
        {
            if (_state.State == CallState.Ended || !CallStateMachine.IsAllowed(_state.State, next))
            {
                return;
            }

            changed = _state.MoveTo(next);
        }

        if (changed)
        {
            RaiseStateChanged(next);
        }
    }

    private void RaiseStateChanged(CallState state)
    {
        if (StateChanged is not { } handlers)
        {
            return;
        }

        foreach (EventHandler<CallState> handler in handlers.GetInvocationList().Cast<EventHandler<CallState>>())
        {
            try
            {
                handler(this, state);
            }
#pragma warning disable CA1031 // An app's handler must not break the call or the other handlers; it is logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_logger, nameof(StateChanged), e);
            }
        }
    }

    private void OnDtmf(object? sender, DtmfReceivedEventArgs e) => DtmfReceived?.Invoke(this, e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call with {Remote} ended: {End}")]
    private static partial void LogEnded(ILogger logger, string remote, CallEnd end);

    [LoggerMessage(Level = LogLevel.Debug, Message = "BYE to {Remote} not confirmed: {Reason}")]
    private static partial void LogByeFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Event} handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, string @event, Exception exception);
}
