using VoipKit.Audio;

namespace VoipKit.Media.Session;

// What a call facade controls mid-call: hold (IsSending, IsReceiving), mute, and swapping the
// audio source or sink. Start, stop, dispose and the swaps are serialised by _control; the
// state the clocked paths read is changed under _gate. The type is documented in MediaSession.cs.
public sealed partial class MediaSession
{
    private readonly SemaphoreSlim _control = new(1, 1);
    private bool _sending = true;
    private bool _receiving = true;
    private bool _muted;
    private bool _markNext;
    private bool _stopped;

    /// <summary>
    /// Whether RTP goes out (default true); false puts our direction on hold (SDP
    /// <c>recvonly</c>/<c>inactive</c>). The source is still read at its pace, so a capture
    /// device does not back up, and RTCP goes on; the RTP timestamp keeps advancing, so when
    /// sending resumes the peer sees one gap, as after DTX, and sequence numbers continue
    /// where they stopped. DTMF events due meanwhile are not sent either.
    /// </summary>
    public bool IsSending
    {
        get
        {
            lock (_gate)
            {
                return _sending;
            }
        }

        set
        {
            lock (_gate)
            {
                _sending = value;
            }
        }
    }

    /// <summary>
    /// Whether received audio is played (default true); false for the peer's direction on hold.
    /// Received packets are still authenticated and counted (RTCP reports and congestion
    /// feedback go on) but not buffered, DTMF is not reported, and the sink gets silence at its
    /// pace, which counts neither as played audio nor as concealment. Turning it off drops what
    /// the jitter buffer held; playout starts afresh when it is turned on again.
    /// </summary>
    public bool IsReceiving
    {
        get
        {
            lock (_gate)
            {
                return _receiving;
            }
        }

        set
        {
            lock (_gate)
            {
                if (_receiving && !value && !_disposed)
                {
                    _jitter.Flush();
                    _dtmfInPending = false;
                }

                _receiving = value;
            }
        }
    }

    /// <summary>
    /// Whether the microphone is muted (default false): the source is still read, but the
    /// encoder gets silence, so packets keep flowing (few bytes with Opus) and the peer's jitter
    /// buffer and statistics see an ordinary stream.
    /// </summary>
    public bool IsMuted
    {
        get
        {
            lock (_gate)
            {
                return _muted;
            }
        }

        set
        {
            lock (_gate)
            {
                _muted = value;
            }
        }
    }

    /// <summary>
    /// Replaces the audio source mid-call: the new source is started, swapped in, and the old
    /// one stopped (not disposed: the caller owns it). A real-time source is read by its own
    /// pump, any other is paced by the session's clock; a swap between the two kinds switches
    /// the pacing. Before <see cref="StartAsync"/> (or after <see cref="StopAsync"/>) the source
    /// is only swapped, and neither is started nor stopped.
    /// </summary>
    /// <param name="source">The new source.</param>
    /// <param name="cancellationToken">Cancels starting the new source and stopping the old one.</param>
    /// <returns>A task that completes when the old source has stopped.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public async Task ReplaceSourceAsync(IAudioSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (ReferenceEquals(source, _source))
            {
                return;
            }

            if (!_started || _stopped)
            {
                lock (_gate)
                {
                    _source = source;
                    _pendingRead = null;
                }

                return;
            }

            await source.StartAsync(cancellationToken).ConfigureAwait(false);
            IAudioSource old;
            ITimer? oldTimer;
            CancellationTokenSource? oldPumpStop = _pumpStop;
            Task? oldPump = _pump;
            lock (_gate)
            {
                old = _source;
                _source = source; // from here the old timer's ticks and the old pump's frames are ignored
                oldTimer = _sendTimer;
                _sendTimer = null;
            }

            _pumpStop = null;
            _pump = null;
            StartPacing(source);
            await EndPacingAsync(oldTimer, oldPumpStop, oldPump, old, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>
    /// Replaces the audio sink mid-call: the new sink is started, swapped in, and the old one
    /// stopped once its last write has completed (not disposed: the caller owns it). Before
    /// <see cref="StartAsync"/> (or after <see cref="StopAsync"/>) the sink is only swapped.
    /// </summary>
    /// <param name="sink">The new sink.</param>
    /// <param name="cancellationToken">Cancels starting the new sink and stopping the old one.</param>
    /// <returns>A task that completes when the old sink has stopped.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public async Task ReplaceSinkAsync(IAudioSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (ReferenceEquals(sink, _sink))
            {
                return;
            }

            if (!_started || _stopped)
            {
                lock (_gate)
                {
                    _sink = sink;
                }

                return;
            }

            await sink.StartAsync(cancellationToken).ConfigureAwait(false);
            IAudioSink old;
            Task? pending;
            lock (_gate)
            {
                old = _sink;
                _sink = sink;
                pending = _pendingWrite; // the new sink's first write waits until this one is done (PlayOneFrame)
            }

            if (pending is not null)
            {
                await pending.ConfigureAwait(false);
            }

            await old.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _control.Release();
        }
    }

    // Under _control, not under _gate: paces the source by the clock, or starts its pump.
    private void StartPacing(IAudioSource source)
    {
        lock (_gate)
        {
            TimeSpan frame = TimeSpan.FromMilliseconds(_encoder.FrameMilliseconds);
            _nextSendAt = Now() + frame;
            _pendingRead = null;
            if (!source.IsRealTime)
            {
                _sendTimer = _time.CreateTimer(static s => ((MediaSession)s!).OnSendTick(), this, frame, frame);
                return;
            }
        }

        _pumpStop = new CancellationTokenSource();
        _pump = PumpAsync(source, _pumpStop.Token);
    }

    // Ends a source's pacing; stops the source (when given) before waiting for its pump, so a
    // read that ignores cancellation returns (0) too.
    private static async Task EndPacingAsync(ITimer? timer, CancellationTokenSource? pumpStop, Task? pump, IAudioSource? source, CancellationToken cancellationToken)
    {
        if (timer is not null)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (pumpStop is not null)
        {
            await pumpStop.CancelAsync().ConfigureAwait(false);
        }

        if (source is not null)
        {
            await source.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (pump is not null)
        {
            try
            {
                await pump.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The pump ends by cancellation: that is how it is stopped.
            }
        }

        pumpStop?.Dispose();
    }

    // Under _control.
    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        ITimer?[] timers;
        ITimer? sendTimer;
        IAudioSource source;
        IAudioSink sink;
        List<DtmfRequest> dtmf;
        lock (_gate)
        {
            timers = [_playoutTimer, _rtcpTimer, _twccTimer, _dtmfTimer];
            sendTimer = _sendTimer;
            _sendTimer = _playoutTimer = _rtcpTimer = _twccTimer = _dtmfTimer = null;
            _stopped = _started;
            source = _source;
            sink = _sink;
            dtmf = TakeDtmfRequests();
        }

        foreach (DtmfRequest request in dtmf)
        {
            request.Completion.TrySetCanceled(CancellationToken.None); // the session stopped, not the caller
        }

        foreach (ITimer? t in timers)
        {
            if (t is not null)
            {
                await t.DisposeAsync().ConfigureAwait(false);
            }
        }

        CancellationTokenSource? pumpStop = _pumpStop;
        Task? pump = _pump;
        _pumpStop = null;
        _pump = null;
        await EndPacingAsync(sendTimer, pumpStop, pump, _started ? source : null, cancellationToken).ConfigureAwait(false);
        if (_started)
        {
            if (_pendingWrite is { } write)
            {
                await write.ConfigureAwait(false);
            }

            await sink.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
