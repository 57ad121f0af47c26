namespace VoipKit.Audio;

/// <summary>
/// Where a call's outgoing audio comes from: a microphone, a file, a test signal. Samples are
/// always in <see cref="AudioFormat"/> (48 kHz, mono, 16-bit).
/// </summary>
/// <remarks>
/// The consumer pulls: <see cref="ReadAsync"/> completes when the requested samples exist.
/// A real-time capture device (<see cref="IsRealTime"/> true) completes it at the device's
/// own pace, so the consumer must not pace it again; a file or generator completes at once,
/// so the consumer paces it with its own clock (a <see cref="TimeProvider"/>, which in a
/// test may be virtual and run as fast as the test asks).
/// </remarks>
public interface IAudioSource : IAsyncDisposable
{
    /// <summary>
    /// <see langword="true"/> when the source produces samples in real time by itself (a capture
    /// device); <see langword="false"/> when samples are available as fast as they are read.
    /// </summary>
    bool IsRealTime { get; }

    /// <summary>Starts the source (opens the device, or the file). Reading before starting is an error.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the source is ready to be read.</returns>
    ValueTask StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length samples, usually one frame
    /// (<see cref="AudioFormat.SamplesPerFrame"/>).
    /// </summary>
    /// <param name="destination">Where to write the samples; owned by the caller.</param>
    /// <param name="cancellationToken">Cancels the wait for samples.</param>
    /// <returns>
    /// The number of samples written: the whole destination, except at the end of a finite
    /// source where it may be fewer; 0 means the source has ended (or was stopped).
    /// </returns>
    ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default);

    /// <summary>Stops the source; later reads return 0. Stopping twice is harmless.</summary>
    /// <param name="cancellationToken">Cancels the stop.</param>
    /// <returns>A task that completes when the source has stopped.</returns>
    ValueTask StopAsync(CancellationToken cancellationToken = default);
}
