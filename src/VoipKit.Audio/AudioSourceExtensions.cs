namespace VoipKit.Audio;

/// <summary>Helpers over <see cref="IAudioSource"/>.</summary>
public static class AudioSourceExtensions
{
    /// <summary>
    /// Reads <paramref name="source"/> frame by frame and writes every frame to <paramref name="sink"/>
    /// until the source ends. Both must be started; neither is stopped.
    /// </summary>
    /// <param name="source">A started source.</param>
    /// <param name="sink">A started sink.</param>
    /// <param name="frameSamples">Samples per frame; default one 20 ms frame.</param>
    /// <param name="cancellationToken">Stops copying.</param>
    /// <returns>The number of samples copied.</returns>
    public static async Task<long> CopyToAsync(this IAudioSource source, IAudioSink sink, int frameSamples = AudioFormat.SamplesPerFrame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        using var buffer = AudioBuffer.Rent(frameSamples);
        long total = 0;
        while (true)
        {
            int n = await source.ReadAsync(buffer.Memory, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return total;
            }

            await sink.WriteAsync(buffer.Memory[..n], cancellationToken).ConfigureAwait(false);
            total += n;
        }
    }
}
