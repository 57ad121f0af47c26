namespace VoipKit.Audio;

/// <summary>
/// The internal audio format of VoipKit: 48 kHz, mono, signed 16-bit PCM, in 20 ms frames
/// of 960 samples. Sources and sinks convert to and from it at the edges.
/// </summary>
public static class AudioFormat
{
    /// <summary>Samples per second: 48,000 (Opus' native rate).</summary>
    public const int SampleRate = 48_000;

    /// <summary>Channels: 1 (mono).</summary>
    public const int Channels = 1;

    /// <summary>Bits per sample: 16.</summary>
    public const int BitsPerSample = 16;

    /// <summary>The default frame duration in milliseconds: 20.</summary>
    public const int FrameMilliseconds = 20;

    /// <summary>Samples in one 20 ms frame: 960.</summary>
    public const int SamplesPerFrame = SampleRate / 1000 * FrameMilliseconds;

    /// <summary>Samples in one millisecond: 48.</summary>
    public const int SamplesPerMillisecond = SampleRate / 1000;

    /// <summary>The duration of one 20 ms frame.</summary>
    public static TimeSpan FrameDuration => TimeSpan.FromMilliseconds(FrameMilliseconds);

    /// <summary>Converts a sample count at 48 kHz to a duration.</summary>
    /// <param name="samples">A number of samples.</param>
    /// <returns>The duration those samples play for.</returns>
    public static TimeSpan DurationOf(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / SampleRate);
}
