using VoipKit.Audio;

namespace VoipKit.Tests.Calls;

/// <summary>An audio sink that keeps everything played, readable while the call runs.</summary>
internal sealed class RecordingSink : IAudioSink
{
    private readonly Lock _gate = new();
    private readonly List<short> _samples = [];

    public bool Started { get; private set; }

    public bool Stopped { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="samples"/> more samples have been played than now: checks then look at audio played after a change, however slow the machine.</summary>
    public async Task PlayMoreAsync(int samples, TimeSpan? timeout = null)
    {
        int target = Count + samples;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (Count < target)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    public short[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }

    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        Started = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _samples.AddRange(samples.Span);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        Stopped = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => StopAsync();
}
