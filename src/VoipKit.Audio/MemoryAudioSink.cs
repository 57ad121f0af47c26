namespace VoipKit.Audio;

/// <summary>An <see cref="IAudioSink"/> that keeps everything it receives in memory, for tests and for apps that post-process a call.</summary>
public sealed class MemoryAudioSink : IAudioSink
{
    private short[] _samples;
    private int _count;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a sink; <paramref name="initialCapacity"/> samples are reserved up front.</summary>
    /// <param name="initialCapacity">Samples to reserve (default 10 seconds).</param>
    public MemoryAudioSink(int initialCapacity = AudioFormat.SampleRate * 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _samples = new short[initialCapacity];
    }

    /// <summary>How many samples were written.</summary>
    public int Count => _count;

    /// <summary>The samples written so far; valid until the next write.</summary>
    public ReadOnlySpan<short> Samples => _samples.AsSpan(0, _count);

    /// <summary>Copies the samples written so far.</summary>
    /// <returns>A new array.</returns>
    public short[] ToArray() => Samples.ToArray();

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _started = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        if (!_started || _stopped)
        {
            throw new InvalidOperationException(_stopped ? "The sink was stopped." : "Start the sink before writing.");
        }

        if (_count + samples.Length > _samples.Length)
        {
            Array.Resize(ref _samples, Math.Max(_count + samples.Length, _samples.Length * 2));
        }

        samples.Span.CopyTo(_samples.AsSpan(_count));
        _count += samples.Length;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => StopAsync();
}
