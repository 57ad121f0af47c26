namespace VoipKit.Audio;

/// <summary>
/// Where a call's incoming audio goes: a speaker, a file, a buffer in a test. Samples are
/// always in <see cref="AudioFormat"/> (48 kHz, mono, 16-bit).
/// </summary>
/// <remarks>
/// The producer pushes frames as the jitter buffer plays them out (every 20 ms in real time,
/// or as fast as a virtual-time test runs). A playback device that needs its own pace keeps
/// a small queue; <see cref="WriteAsync"/> may wait for room in it.
/// </remarks>
public interface IAudioSink : IAsyncDisposable
{
    /// <summary>Starts the sink (opens the device, or creates the file). Writing before starting is an error.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the sink accepts samples.</returns>
    ValueTask StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes samples; the sink copies what it keeps, the caller keeps ownership of the buffer.</summary>
    /// <param name="samples">The samples to play or store.</param>
    /// <param name="cancellationToken">Cancels a wait for room.</param>
    /// <returns>A task that completes when the samples are accepted.</returns>
    ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default);

    /// <summary>Stops the sink and makes what was written durable (a file's header is completed). Stopping twice is harmless.</summary>
    /// <param name="cancellationToken">Cancels the stop.</param>
    /// <returns>A task that completes when the sink has stopped.</returns>
    ValueTask StopAsync(CancellationToken cancellationToken = default);
}
