using Microsoft.Extensions.Time.Testing;
using VoipKit.Audio;
using VoipKit.Media.Session;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Session;

/// <summary>
/// The start of a call as CallClient runs it on loopback: both sessions start within a few
/// milliseconds (each once its ICE agent has a pair), and the caller's first frames go out late
/// and in a burst while everything is still being JIT-compiled; the timings below are the ones
/// measured in the SipCall sample.
/// </summary>
public class MediaSessionStartupTests
{
    private static readonly NetworkProfile Loopback = NetworkProfile.Clean with { Delay = TimeSpan.FromMilliseconds(1) };

    // A's k-th frame goes out at 48, 48, 81 ms, then every 20 ms at 20k + 42 (102, 122, ...): its
    // first two in a burst, as the caller's late first send tick caught up.
    private static int BurstyStart(int k) => k switch
    {
        0 or 1 => 48,
        2 => 81,
        _ => (20 * k) + 42,
    };

    [Fact]
    public async Task Playout_does_not_start_on_a_burst_of_the_first_two_packets_so_a_packet_8_ms_late_half_a_second_in_is_not_concealed()
    {
        // B's playout ticks at 20k + 10 ms. Started on the burst (the tick at 50 ms), playout ran
        // low before the third packet, stretched back to just under two frames and kept only the
        // tick's phase (7 ms: packets arrive at 20k + 43) as slack: the packet 8 ms late was concealed.
        var time = new FakeTimeProvider();
        var source = new ScheduledToneSource(time, 440, k => BurstyStart(k) + (k == 19 ? 8 : 0));
        await using var call = new SessionPair(source, new ToneSource(660), Loopback, time: time);
        await call.A.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(10));
        await call.B.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));

        MediaSessionStatistics b = call.B.GetStatistics();
        Assert.Equal(0, b.InboundRtp!.PacketsLost);
        Assert.Equal(0, b.Playout.ConcealedSamples);
    }

    [Fact]
    public async Task A_first_playout_tick_50_ms_late_plays_the_frames_it_owes_from_before_the_stream_as_silence_and_conceals_nothing()
    {
        // A steady stream (packets at 20k + 23 ms); B's first playout tick, due at 23 ms, fires at
        // 73 owing three frames, with three packets buffered. Played from them, the buffer was
        // empty before the fourth packet came.
        var time = new FakeTimeProvider();
        var source = new ScheduledToneSource(time, 440, k => (20 * k) + 22);
        await using var call = new SessionPair(source, new ToneSource(660), Loopback, time: time, timeB: new LateFirstTickTimeProvider(time, TimeSpan.FromMilliseconds(50)));
        await call.A.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(3));
        await call.B.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));

        MediaSessionStatistics b = call.B.GetStatistics();
        Assert.Equal(0, b.InboundRtp!.PacketsLost);
        Assert.Equal(0, b.Playout.ConcealedSamples);
        Assert.Equal(0, b.Playout.InsertedSamplesForDeceleration);
    }

    [Fact]
    public async Task The_start_measured_in_the_SipCall_sample_a_burst_and_a_first_playout_tick_30_ms_late_conceals_nothing()
    {
        // B starts at 3 ms; its first playout tick (due at 23 ms) fires 30 ms late, after the
        // burst arrived, owing the frames of 23 and 43 ms. Before: both played from the burst,
        // the buffer empty before the third packet (82 ms) came: 2 frames concealed.
        var time = new FakeTimeProvider();
        var source = new ScheduledToneSource(time, 440, BurstyStart);
        await using var call = new SessionPair(source, new ToneSource(660), Loopback, time: time, timeB: new LateFirstTickTimeProvider(time, TimeSpan.FromMilliseconds(30)));
        await call.A.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(3));
        await call.B.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));

        MediaSessionStatistics b = call.B.GetStatistics();
        Assert.Equal(0, b.InboundRtp!.PacketsLost);
        Assert.Equal(0, b.Playout.ConcealedSamples);
    }
}

/// <summary>
/// A real-time tone source in virtual time whose k-th 20 ms frame becomes readable at
/// <c>releaseMs(k)</c> after it starts, as a capture device (or a sender's late timer) delivers them.
/// </summary>
internal sealed class ScheduledToneSource(FakeTimeProvider time, double frequency, Func<int, int> releaseMs) : IAudioSource
{
    private readonly Lock _gate = new();
    private readonly Queue<short[]> _ready = new();
    private ITimer? _timer;
    private long _start;
    private int _next;
    private TaskCompletionSource<int>? _pending;
    private Memory<short> _pendingDestination;

    public bool IsRealTime => true;

    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((ScheduledToneSource)s!).Tick(), this, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_ready.TryDequeue(out short[]? frame))
            {
                frame.CopyTo(destination);
                return ValueTask.FromResult(frame.Length);
            }

            var pending = new TaskCompletionSource<int>();
            _pending = pending;
            _pendingDestination = destination;
            cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
            return new ValueTask<int>(pending.Task);
        }
    }

    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        _timer?.Dispose();
        TaskCompletionSource<int>? pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = null;
        }

        pending?.TrySetResult(0);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => StopAsync();

    private void Tick()
    {
        double elapsedMs = time.GetElapsedTime(_start).TotalMilliseconds;
        TaskCompletionSource<int>? complete = null;
        int got = 0;
        lock (_gate)
        {
            while (releaseMs(_next) <= elapsedMs)
            {
                short[] frame = new short[AudioFormat.SamplesPerFrame];
                ToneSource.Fill(frame, frequency, AudioFormat.SampleRate, 0.5, (long)_next * frame.Length);
                _next++;
                _ready.Enqueue(frame);
            }

            if (_pending is not null && _ready.TryDequeue(out short[]? first))
            {
                first.CopyTo(_pendingDestination);
                got = first.Length;
                complete = _pending;
                _pending = null;
            }
        }

        // As ClockedToneSource: complete the reader on this (the clock's) thread, without the test's context.
        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete?.TrySetResult(got);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}

/// <summary>
/// A clock whose timers fire their first tick late by <c>lateBy</c>, then go on on their own
/// schedule: a periodic timer's first callback delayed by a process that is busy starting up.
/// </summary>
internal sealed class LateFirstTickTimeProvider(FakeTimeProvider inner, TimeSpan lateBy) : TimeProvider
{
    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new LateFirstTick(inner, callback, state, dueTime, period, lateBy);

    private sealed class LateFirstTick : ITimer
    {
        private readonly ITimer _timer;
        private readonly TimeSpan _period;
        private readonly TimeSpan _lateBy;
        private bool _fired;

        public LateFirstTick(TimeProvider time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, TimeSpan lateBy)
        {
            _period = period;
            _lateBy = lateBy;
            bool finite = dueTime != Timeout.InfiniteTimeSpan;
            _timer = time.CreateTimer(_ => Fire(callback, state), null, finite ? dueTime + lateBy : dueTime, finite ? Timeout.InfiniteTimeSpan : period);
            _fired = !finite;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => _timer.Change(dueTime, period); // later changes are on time

        public void Dispose() => _timer.Dispose();

        public ValueTask DisposeAsync() => _timer.DisposeAsync();

        private void Fire(TimerCallback callback, object? state)
        {
            if (!_fired && _period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                // Back on the original schedule from the next period on.
                _fired = true;
                long behind = _lateBy.Ticks % _period.Ticks;
                _timer.Change(TimeSpan.FromTicks(_period.Ticks - behind), _period);
            }

            callback(state);
        }
    }
}
