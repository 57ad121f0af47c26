namespace VoipKit.Audio;

/// <summary>A sine tone, computed from each sample's position so it never drifts in phase.</summary>
public sealed class ToneSource : SignalSource
{
    private readonly double _radiansPerSample;
    private readonly double _peak;

    /// <summary>Creates a tone.</summary>
    /// <param name="frequency">The frequency in Hz, above 0 and below 24,000 (the Nyquist frequency at 48 kHz).</param>
    /// <param name="amplitude">The peak as a fraction of full scale, 0–1. Default 0.5 (about -6 dBFS).</param>
    /// <param name="duration">How long it lasts; endless when <see langword="null"/>.</param>
    public ToneSource(double frequency, double amplitude = 0.5, TimeSpan? duration = null)
        : base(duration)
    {
        if (!(frequency > 0 && frequency < AudioFormat.SampleRate / 2.0))
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The frequency must be above 0 and below 24 kHz.");
        }

        if (!(amplitude >= 0 && amplitude <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "The amplitude must be 0-1.");
        }

        Frequency = frequency;
        Amplitude = amplitude;
        _radiansPerSample = 2 * Math.PI * frequency / AudioFormat.SampleRate;
        _peak = amplitude * short.MaxValue;
    }

    /// <summary>The frequency in Hz.</summary>
    public double Frequency { get; }

    /// <summary>The peak as a fraction of full scale.</summary>
    public double Amplitude { get; }

    /// <summary>Fills <paramref name="destination"/> with a tone at any rate (for tests that need other rates than 48 kHz).</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="frequency">The frequency in Hz.</param>
    /// <param name="sampleRate">The sample rate in Hz.</param>
    /// <param name="amplitude">The peak as a fraction of full scale.</param>
    /// <param name="startSample">The position of the first sample, for continuing a tone.</param>
    public static void Fill(Span<short> destination, double frequency, int sampleRate, double amplitude = 0.5, long startSample = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sampleRate, 0);
        double step = 2 * Math.PI * frequency / sampleRate;
        double peak = amplitude * short.MaxValue;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (short)Math.Round(peak * Math.Sin(step * (startSample + i)));
        }
    }

    /// <inheritdoc />
    protected override void Generate(Span<short> destination, long position)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (short)Math.Round(_peak * Math.Sin(_radiansPerSample * (position + i)));
        }
    }
}
