namespace VoipKit.Audio;

/// <summary>The format of a 16-bit PCM WAV file, as read from or written to its <c>fmt </c> chunk.</summary>
/// <param name="SampleRate">Samples per second per channel, 8,000–48,000.</param>
/// <param name="Channels">1 (mono) or 2 (stereo, interleaved).</param>
public readonly record struct WavFormat(int SampleRate, int Channels)
{
    /// <summary>Bits per sample: VoipKit reads and writes 16-bit PCM only.</summary>
    public const int BitsPerSample = 16;

    /// <summary>Bytes per sample frame (all channels of one sampling instant).</summary>
    public int BlockAlign => Channels * 2;

    /// <summary>Bytes per second.</summary>
    public int ByteRate => SampleRate * BlockAlign;

    /// <summary>VoipKit's internal format: 48 kHz mono.</summary>
    public static WavFormat Internal => new(AudioFormat.SampleRate, AudioFormat.Channels);

    /// <summary>The lowest sample rate accepted.</summary>
    public const int MinSampleRate = 8_000;

    /// <summary>The highest sample rate accepted.</summary>
    public const int MaxSampleRate = 48_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the rate and channel count are supported.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate or channel count is unsupported.</exception>
    public void Validate()
    {
        if (SampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, $"Sample rate must be {MinSampleRate}-{MaxSampleRate} Hz.");
        }

        if (Channels is < 1 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Channels must be 1 or 2.");
        }
    }
}
