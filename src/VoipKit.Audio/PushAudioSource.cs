using System.Threading.Tasks.Sources;

namespace VoipKit.Audio;

/// <summary>
/// An <see cref="IAudioSource"/> that a capture device feeds: the device's callback calls
/// <see cref="Push"/> at its own pace (any chunk size, any thread) and the call's reader
/// gets whole frames from <see cref="ReadAsync"/>, which waits until they exist.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="Capacity"/>): if the reader falls behind, the oldest
/// samples are dropped and counted in <see cref="DroppedSamples"/>, so latency cannot grow
/// without bound. One reader at a time. Waiting does not allocate.
/// </remarks>
public sealed class PushAudioSource : IAudioSource
{
    private readonly short[] _ring;
    private readonly Lock _gate = new();
    private readonly Waiter _waiter = new();
    private int _head;
    private int _count;
    private bool _started;
    private bool _stopped;
    private bool _waiting;
    private bool _reading;
    private readonly AudioResampler? _resampler;
    private short[] _resampled = [];

    /// <summary>Creates a source with room for <paramref name="capacity"/> of audio.</summary>
    /// <param name="capacity">How much audio may queue before the oldest is dropped; default 200 ms, at least one frame.</param>
    public PushAudioSource(TimeSpan? capacity = null)
        : this(AudioFormat.SampleRate, capacity)
    {
    }

    /// <summary>Creates a source for a device that captures at <paramref name="sampleRate"/> (mono): what it pushes is resampled to 48 kHz.</summary>
    /// <param name="sampleRate">The device's rate, for example 16,000 or 44,100.</param>
    /// <param name="capacity">How much audio may queue before the oldest is dropped; default 200 ms, at least one frame.</param>
    public PushAudioSource(int sampleRate, TimeSpan? capacity = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 8_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, 192_000);
        InputSampleRate = sampleRate;
        _resampler = sampleRate == AudioFormat.SampleRate ? null : new AudioResampler(sampleRate, AudioFormat.SampleRate);
        TimeSpan c = capacity ?? TimeSpan.FromMilliseconds(200);
        int samples = (int)(c.TotalSeconds * AudioFormat.SampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, AudioFormat.SamplesPerFrame, nameof(capacity));
        _ring = new short[samples];
    }

    /// <inheritdoc />
    public bool IsRealTime => true;

    /// <summary>The rate <see cref="Push"/> takes samples at (resampled to 48 kHz when it differs).</summary>
    public int InputSampleRate { get; }

    /// <summary>How many samples the queue holds at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many samples are queued now.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>How many samples were dropped because the reader fell behind.</summary>
    public long DroppedSamples { get; private set; }

    /// <summary>Adds captured samples (mono, at <see cref="InputSampleRate"/>). Samples pushed before start or after stop are ignored.</summary>
    /// <param name="samples">The samples; copied before the call returns.</param>
    public void Push(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (!_started || _stopped)
            {
                return;
            }

            if (_resampler is not null)
            {
                // The scratch buffer grows to the largest chunk the device pushes, then is reused.
                int room = _resampler.GetMaxOutputLength(samples.Length);
                if (_resampled.Length < room)
                {
                    _resampled = new short[room];
                }

                samples = _resampled.AsSpan(0, _resampler.Process(samples, _resampled));
            }

            if (samples.Length > _ring.Length)
            {
                DroppedSamples += samples.Length - _ring.Length;
                samples = samples[^_ring.Length..];
            }

            int overflow = _count + samples.Length - _ring.Length;
            if (overflow > 0)
            {
                _head = (_head + overflow) % _ring.Length;
                _count -= overflow;
                DroppedSamples += overflow;
            }

            int tail = (_head + _count) % _ring.Length;
            int first = Math.Min(samples.Length, _ring.Length - tail);
            samples[..first].CopyTo(_ring.AsSpan(tail));
            samples[first..].CopyTo(_ring);
            _count += samples.Length;
            WakeReader();
        }
    }

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _started = true;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Waits until the whole destination can be filled; returns fewer samples only when the source is stopped.</remarks>
    public async ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_started)
            {
                throw new InvalidOperationException("Start the source before reading.");
            }

            if (destination.Length > _ring.Length)
            {
                throw new ArgumentException($"A read of {destination.Length} samples can never be filled from a queue of {_ring.Length}.", nameof(destination));
            }

            if (_reading)
            {
                throw new InvalidOperationException("Only one read at a time.");
            }

            _reading = true;
        }

        try
        {
            while (true)
            {
                short version;
                lock (_gate)
                {
                    if (_count >= destination.Length || _stopped)
                    {
                        return Take(destination.Span);
                    }

                    _waiter.Reset();
                    _waiting = true;
                    version = _waiter.Version;
                }

                using (cancellationToken.UnsafeRegister(static (state, token) => ((PushAudioSource)state!).CancelWait(token), this))
                {
                    await new ValueTask(_waiter, version).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _reading = false;
                _waiting = false;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _stopped = true;
            WakeReader();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => StopAsync();

    private int Take(Span<short> destination)
    {
        int n = Math.Min(destination.Length, _count);
        int first = Math.Min(n, _ring.Length - _head);
        _ring.AsSpan(_head, first).CopyTo(destination);
        _ring.AsSpan(0, n - first).CopyTo(destination[first..]);
        _head = (_head + n) % _ring.Length;
        _count -= n;
        return n;
    }

    private void WakeReader()
    {
        if (_waiting)
        {
            _waiting = false;
            _waiter.SetResult();
        }
    }

    private void CancelWait(CancellationToken token)
    {
        lock (_gate)
        {
            if (_waiting)
            {
                _waiting = false;
                _waiter.SetException(new OperationCanceledException(token));
            }
        }
    }

    /// <summary>A reusable awaitable: one reader waits on it at a time.</summary>
    private sealed class Waiter : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public short Version => _core.Version;

        public void Reset() => _core.Reset();

        public void SetResult() => _core.SetResult(true);

        public void SetException(Exception error) => _core.SetException(error);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
