using Microsoft.Extensions.Logging;
using VoipKit.Audio;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

// RFC 4733 DTMF both ways. Sending: digits queue in order; each is an event whose RTP timestamp
// is the media clock at its start, updated every 20 ms with the duration so far (marker bit on
// the first packet), ended by a packet with the E bit sent three times with the same timestamp
// and duration and new sequence numbers (2.5.1.4). While an event is on the stream, audio is
// read but not sent, and the event's ticks move the media clock on instead. Receiving: events
// never enter the jitter buffer; each is reported once per RTP timestamp, raised outside the
// lock. The type is documented in MediaSession.cs.
public sealed partial class MediaSession
{
    private const uint DtmfTickSamples = AudioFormat.SamplesPerFrame; // 20 ms at the 48 kHz telephone-event clock
    private const byte DtmfVolume = 10;                                // -10 dBm0, as WebRTC and most phones send
    private const int DtmfEndRetransmissions = 2;
    private static readonly TimeSpan DtmfTick = AudioFormat.FrameDuration;
    private static readonly TimeSpan DtmfReceiveTimeout = TimeSpan.FromMilliseconds(200);

    // Sending, under _gate.
    private readonly Queue<DtmfRequest> _dtmfQueue = new();
    private ITimer? _dtmfTimer;
    private DtmfRequest? _dtmfRequest;
    private DtmfPhase _dtmfPhase;
    private int _dtmfTicks;
    private byte _dtmfCode;
    private uint _dtmfTimestamp;
    private TimeSpan _dtmfNextAt;
    private long _dtmfEventsSent;

    // Receiving, under _gate: the event seen but not reported yet, and the last one reported.
    private readonly Queue<DtmfReport> _dtmfReports = new();
    private bool _dtmfInPending;
    private uint _dtmfInTimestamp;
    private byte _dtmfInCode;
    private ushort _dtmfInDuration;
    private TimeSpan _dtmfInLastArrival;
    private readonly uint[] _dtmfReported = new uint[64]; // the last 64 reported timestamps, a ring
    private int _dtmfReportedCount; // how many of the ring's entries are used
    private int _dtmfReportedNext;
    private uint _dtmfLastReported;
    private long _dtmfEventsReceived;
    private long _dtmfHandlerFailures;
    private int _dtmfRaising;

    private enum DtmfPhase
    {
        Idle,   // nothing to send
        Tone,   // updates, the last one with the E bit
        Ending, // the two retransmissions of the end packet
        Gap,    // audio flows until the next digit
    }

    /// <summary>
    /// Raised once for each DTMF digit the peer sends as RFC 4733 telephone-events: when its first
    /// end packet arrives, or, when all of them were lost, when a later event begins or 200 ms
    /// after the event's last packet. Retransmitted end packets and late updates of an event
    /// already reported (same RTP timestamp, or an earlier one) are ignored; events other than
    /// the 16 DTMF digits are ignored; nothing is reported while <see cref="IsReceiving"/> is
    /// false. Raised outside the session's lock, one at a time and in order, on the thread that
    /// delivered the packet or on a timer thread. A handler that throws is logged at Error and
    /// counted in <see cref="MediaSessionStatistics.DtmfHandlerFailures"/>; later digits and the
    /// audio are not affected.
    /// </summary>
    public event EventHandler<DtmfReceivedEventArgs>? DtmfReceived;

    /// <summary>
    /// Sends DTMF digits as RFC 4733 telephone-events on the audio stream (same SSRC, sequence
    /// numbers and media clock): each tone lasts <see cref="MediaSessionOptions.DtmfToneDuration"/>
    /// with an update every 20 ms, then its end packet goes out three times, and the next tone
    /// starts <see cref="MediaSessionOptions.DtmfToneGap"/> after the end of this one. No audio is
    /// sent during an event. Calls queue: their digits go out in call order. Digits sent before
    /// <see cref="StartAsync"/> wait for it; while <see cref="IsSending"/> is false they are
    /// paced as usual but not sent.
    /// </summary>
    /// <param name="digits">0–9, *, # and A–D (either case); empty sends nothing.</param>
    /// <param name="cancellationToken">
    /// Cancels the digits not yet begun; a tone already on the stream is finished with its end
    /// packets, so the peer never sees an event without an end.
    /// </param>
    /// <returns>A task that completes when the last digit's last end packet has gone out, and is cancelled by <see cref="StopAsync"/>.</returns>
    /// <exception cref="InvalidOperationException">DTMF was not negotiated (<see cref="MediaSessionOptions.TelephoneEventPayloadType"/> is null), or the session was stopped.</exception>
    /// <exception cref="ArgumentException"><paramref name="digits"/> holds a character that is not a DTMF digit.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public Task SendDtmfAsync(string digits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.TelephoneEventPayloadType is null)
        {
            throw new InvalidOperationException("DTMF was not negotiated: MediaSessionOptions.TelephoneEventPayloadType is null.");
        }

        byte[] codes = new byte[digits.Length];
        for (int i = 0; i < digits.Length; i++)
        {
            if (!DtmfDigit.TryGetEventCode(digits[i], out codes[i]))
            {
                throw new ArgumentException($"'{digits[i]}' at index {i} is not a DTMF digit (0-9, *, #, A-D).", nameof(digits));
            }
        }

        if (codes.Length == 0)
        {
            return Task.CompletedTask;
        }

        var request = new DtmfRequest(codes);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the request is queued: a token cancelled already cancels it here.
            request.Registration = cancellationToken.Register(() => CancelDtmf(request, cancellationToken));
        }

        lock (_gate)
        {
            if (_disposed || _stopped)
            {
                request.Registration.Unregister();
                ObjectDisposedException.ThrowIf(_disposed, this);
                throw new InvalidOperationException("The session was stopped.");
            }

            if (!request.Cancelled)
            {
                _dtmfQueue.Enqueue(request);
                if (_dtmfPhase == DtmfPhase.Idle)
                {
                    BeginDtmf();
                }
            }
        }

        return request.Completion.Task;
    }

    private static void ValidateDtmfOptions(MediaSessionOptions options)
    {
        if (options.TelephoneEventPayloadType is byte pt && (pt > 127 || pt == options.PayloadType))
        {
            throw new ArgumentException($"The telephone-event payload type {pt} must be 0-127 and differ from the audio payload type {options.PayloadType}.", nameof(options));
        }

        TimeSpan shortest = TimeSpan.FromMilliseconds(40), longest = TimeSpan.FromSeconds(1);
        if (options.DtmfToneDuration < shortest || options.DtmfToneDuration > longest || options.DtmfToneGap < shortest || options.DtmfToneGap > longest)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"DtmfToneDuration ({options.DtmfToneDuration}) and DtmfToneGap ({options.DtmfToneGap}) must be 40 ms to 1 s.");
        }
    }

    private static int FramesOf(TimeSpan duration) => (int)((duration.Ticks + DtmfTick.Ticks - 1) / DtmfTick.Ticks);

    // Under _gate, from StartAsync.
    private void StartDtmfTimer()
    {
        if (_options.TelephoneEventPayloadType is null)
        {
            return;
        }

        _dtmfTimer = _time.CreateTimer(static s => ((MediaSession)s!).OnDtmfTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_dtmfPhase == DtmfPhase.Idle)
        {
            BeginDtmf();
        }
    }

    // Under _gate, when idle: starts the first queued digit now and ticks every 20 ms from here.
    private void BeginDtmf()
    {
        if (_dtmfTimer is null)
        {
            return; // not started yet: StartAsync begins
        }

        BeginNextDigit();
        if (_dtmfPhase != DtmfPhase.Idle)
        {
            _dtmfNextAt = Now() + DtmfTick;
            _dtmfTimer.Change(DtmfTick, DtmfTick);
        }
    }

    private void OnDtmfTick()
    {
        lock (_gate)
        {
            if (_disposed || _dtmfTimer is null)
            {
                return;
            }

            TimeSpan now = Now();
            for (int i = 0; i < MaxCatchUpFrames && now >= _dtmfNextAt && _dtmfPhase != DtmfPhase.Idle; i++)
            {
                _dtmfNextAt += DtmfTick;
                StepDtmf();
            }

            if (now - _dtmfNextAt > DtmfTick * MaxCatchUpFrames)
            {
                _dtmfNextAt = now; // a long stall: go on from here rather than burst
            }
        }
    }

    private void StepDtmf()
    {
        _dtmfTicks++;
        switch (_dtmfPhase)
        {
            case DtmfPhase.Tone:
                _timestamp += DtmfTickSamples;
                bool end = _dtmfTicks >= FramesOf(_options.DtmfToneDuration);
                SendTelephoneEvent(_dtmfTicks == 1, end, (ushort)(_dtmfTicks * DtmfTickSamples));
                if (end)
                {
                    _dtmfPhase = DtmfPhase.Ending;
                    _dtmfTicks = 0;
                }

                break;
            case DtmfPhase.Ending:
                // RFC 4733 2.5.1.4: the same end packet (timestamp, duration) again, with a new sequence number.
                _timestamp += DtmfTickSamples;
                SendTelephoneEvent(false, true, (ushort)(FramesOf(_options.DtmfToneDuration) * DtmfTickSamples));
                if (_dtmfTicks == DtmfEndRetransmissions)
                {
                    EndDigit();
                }

                break;
            case DtmfPhase.Gap:
                if (_dtmfTicks >= FramesOf(_options.DtmfToneGap) - DtmfEndRetransmissions)
                {
                    BeginNextDigit();
                }

                break;
            default:
                break;
        }
    }

    private void EndDigit()
    {
        _dtmfEventsSent++;
        DtmfRequest request = _dtmfRequest!;
        request.Next++;
        if (request.Next == request.Codes.Length)
        {
            request.Registration.Unregister();
            request.Completion.TrySetResult(); // continuations run asynchronously, not under the lock
            _dtmfRequest = null;
        }

        _dtmfPhase = DtmfPhase.Gap;
        _dtmfTicks = 0;
        if (FramesOf(_options.DtmfToneGap) <= DtmfEndRetransmissions)
        {
            BeginNextDigit();
        }
    }

    // Starts the next digit at the current media clock, or goes idle.
    private void BeginNextDigit()
    {
        while (_dtmfRequest is null || _dtmfRequest.Cancelled)
        {
            _dtmfRequest = null; // a cancelled request's task was cancelled already
            if (!_dtmfQueue.TryDequeue(out _dtmfRequest))
            {
                _dtmfPhase = DtmfPhase.Idle;
                _dtmfTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _dtmfCode = _dtmfRequest.Codes[_dtmfRequest.Next];
        _dtmfTimestamp = _timestamp;
        _dtmfPhase = DtmfPhase.Tone;
        _dtmfTicks = 0;
    }

    private void SendTelephoneEvent(bool marker, bool end, ushort duration)
    {
        if (!_sending)
        {
            return;
        }

        Span<byte> payload = stackalloc byte[TelephoneEvent.Length];
        new TelephoneEvent(_dtmfCode, end, DtmfVolume, duration).TryWrite(payload, out _);
        SendRtp(new RtpHeader(_options.TelephoneEventPayloadType!.Value, _sequence++, _dtmfTimestamp, LocalSsrc, marker), payload);
    }

    private void CancelDtmf(DtmfRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            request.Cancelled = true; // skipped when its turn comes; a digit on the stream is finished
        }

        request.Completion.TrySetCanceled(cancellationToken);
    }

    // Under _gate, from StopCoreAsync: every request not completed, and the sender idle.
    private List<DtmfRequest> TakeDtmfRequests()
    {
        var all = new List<DtmfRequest>(_dtmfQueue.Count + 1);
        if (_dtmfRequest is not null)
        {
            all.Add(_dtmfRequest);
        }

        all.AddRange(_dtmfQueue);
        _dtmfQueue.Clear();
        _dtmfRequest = null;
        _dtmfPhase = DtmfPhase.Idle;
        foreach (DtmfRequest r in all)
        {
            r.Registration.Unregister();
        }

        return all;
    }

    // Under _gate, for a packet with the telephone-event payload type. True when a digit is to be raised.
    private bool OnTelephoneEvent(in RtpPacket rtp, TimeSpan now)
    {
        if (!TelephoneEvent.TryRead(rtp.Payload, out TelephoneEvent e))
        {
            _rejected++;
            return false;
        }

        if (!_receiving)
        {
            return false;
        }

        int before = _dtmfReports.Count;
        uint timestamp = rtp.Timestamp;
        if (_dtmfInPending && timestamp == _dtmfInTimestamp)
        {
            if (e.Event == _dtmfInCode)
            {
                _dtmfInDuration = Math.Max(_dtmfInDuration, e.Duration);
                _dtmfInLastArrival = now;
                if (e.End)
                {
                    ReportTelephoneEvent();
                }
            }

            return _dtmfReports.Count > before;
        }

        if (_dtmfReportedCount > 0 && ((int)(timestamp - _dtmfLastReported) <= 0 || WasReported(timestamp)))
        {
            // An event reported already (its end retransmissions), or an earlier one. Timestamps
            // only compare within half the 32-bit space, so a peer jumping around it could make an
            // old one look new again: the ring of recent ones catches that too.
            return false;
        }

        if (_dtmfInPending)
        {
            if ((int)(timestamp - _dtmfInTimestamp) < 0)
            {
                return false; // a late packet of an earlier event
            }

            ReportTelephoneEvent(); // a later event began: the pending one's end packets were all lost
        }

        if (e.Event <= DtmfDigit.MaxEventCode)
        {
            _dtmfInPending = true;
            _dtmfInTimestamp = timestamp;
            _dtmfInCode = e.Event;
            _dtmfInDuration = e.Duration;
            _dtmfInLastArrival = now;
            if (e.End)
            {
                ReportTelephoneEvent();
            }
        }

        return _dtmfReports.Count > before;
    }

    // Under _gate, from the playout tick: an event whose end packets were all lost and after which nothing came.
    private bool ExpireTelephoneEvent(TimeSpan now)
    {
        if (!_dtmfInPending || now - _dtmfInLastArrival < DtmfReceiveTimeout)
        {
            return false;
        }

        ReportTelephoneEvent();
        return true;
    }

    private void ReportTelephoneEvent()
    {
        DtmfDigit.TryGetDigit(_dtmfInCode, out char digit);
        _dtmfReports.Enqueue(new DtmfReport(digit, AudioFormat.DurationOf(_dtmfInDuration), _dtmfInTimestamp));
        _dtmfInPending = false;
        _dtmfLastReported = _dtmfInTimestamp;
        _dtmfReported[_dtmfReportedNext] = _dtmfInTimestamp;
        _dtmfReportedNext = (_dtmfReportedNext + 1) % _dtmfReported.Length;
        _dtmfReportedCount = Math.Min(_dtmfReportedCount + 1, _dtmfReported.Length);
        _dtmfEventsReceived++;
    }

    private bool WasReported(uint timestamp) => _dtmfReported.AsSpan(0, _dtmfReportedCount).Contains(timestamp);

    // Not under _gate. One thread raises at a time, in the order the digits were queued; a thread
    // that finds another raising leaves its digits to it, so no thread waits on another's handler.
    private void RaiseDtmfReceived()
    {
        while (Interlocked.CompareExchange(ref _dtmfRaising, 1, 0) == 0)
        {
            try
            {
                while (true)
                {
                    DtmfReport report;
                    lock (_gate)
                    {
                        if (!_dtmfReports.TryDequeue(out report))
                        {
                            break;
                        }
                    }

                    RaiseOne(report);
                }
            }
            finally
            {
                Volatile.Write(ref _dtmfRaising, 0);
            }

            lock (_gate)
            {
                if (_dtmfReports.Count == 0)
                {
                    return; // else: queued after our last look, while we still held the flag
                }
            }
        }
    }

    private void RaiseOne(DtmfReport report)
    {
        if (DtmfReceived is not { } handlers)
        {
            return;
        }

        var args = new DtmfReceivedEventArgs(report.Digit, report.Duration, report.Timestamp);
        foreach (EventHandler<DtmfReceivedEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<DtmfReceivedEventArgs>>())
        {
            // Each handler on its own: one that throws does not keep the digit from the others.
            try
            {
                handler(this, args);
            }
#pragma warning disable CA1031 // The application's handler, on the receive path: a throw must not lose later digits or the audio; logged at Error, counted.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _dtmfHandlerFailures);
                LogDtmfHandlerFailed(_logger, report.Digit, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A DtmfReceived handler threw for digit {Digit}")]
    private static partial void LogDtmfHandlerFailed(ILogger logger, char digit, Exception exception);

    private readonly record struct DtmfReport(char Digit, TimeSpan Duration, uint Timestamp);

    private sealed class DtmfRequest(byte[] codes)
    {
        public byte[] Codes { get; } = codes;

        public int Next { get; set; }

        public bool Cancelled { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
