namespace VoipKit.Audio;

/// <summary>
/// Base of the generated sources (silence, tones, the speech-like test signal): a finite or
/// endless stream in VoipKit's format whose samples depend only on their position, so the
/// same source gives the same samples however it is read.
/// </summary>
public abstract class SignalSource : IAudioSource
{
    private readonly long _totalSamples;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a source that ends after <paramref name="duration"/>, or never when it is <see langword="null"/>.</summary>
    /// <param name="duration">How long the signal lasts; rounded down to whole samples.</param>
    protected SignalSource(TimeSpan? duration)
    {
        if (duration is { } d && d < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), d, "The duration cannot be negative.");
        }

        Duration = duration;
        _totalSamples = duration is { } length ? (long)(length.Ticks * (double)AudioFormat.SampleRate / TimeSpan.TicksPerSecond) : long.MaxValue;
    }

    /// <inheritdoc />
    public bool IsRealTime => false;

    /// <summary>How long the signal lasts, or <see langword="null"/> when it is endless.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>How many samples have been read so far.</summary>
    public long Position { get; private set; }

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _started = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(destination.Span));
    }

    /// <summary>Reads synchronously: the samples exist at once.</summary>
    /// <param name="destination">Where to write them.</param>
    /// <returns>The number of samples written; 0 at the end.</returns>
    public int Read(Span<short> destination)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Start the source before reading.");
        }

        if (_stopped)
        {
            return 0;
        }

        int n = (int)Math.Min(destination.Length, _totalSamples - Position);
        Generate(destination[..n], Position);
        Position += n;
        return n;
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _stopped = true;
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the samples at positions <paramref name="position"/> onwards; called in order, without gaps.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="position">The position of <paramref name="destination"/>[0] in the stream.</param>
    protected abstract void Generate(Span<short> destination, long position);
}
