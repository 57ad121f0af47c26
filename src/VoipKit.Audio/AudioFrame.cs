namespace VoipKit.Audio;

/// <summary>
/// A view of one frame of audio in <see cref="AudioFormat"/> with its position in the
/// stream. It does not own its samples: the buffer belongs to whoever made the frame (a
/// caller-owned array or an <see cref="AudioBuffer"/> rented once and reused), so passing
/// frames around allocates nothing.
/// </summary>
/// <param name="Samples">The samples (960 for a 20 ms frame).</param>
/// <param name="Timestamp">Position of the first sample, in samples at 48 kHz since the stream began.</param>
public readonly record struct AudioFrame(ReadOnlyMemory<short> Samples, long Timestamp)
{
    /// <summary>The number of samples in the frame.</summary>
    public int Length => Samples.Length;

    /// <summary>How long the frame plays for.</summary>
    public TimeSpan Duration => AudioFormat.DurationOf(Samples.Length);

    /// <summary>The position of the first sample as a time offset from the start of the stream.</summary>
    public TimeSpan Position => AudioFormat.DurationOf(Timestamp);
}
