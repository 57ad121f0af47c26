namespace VoipKit.Audio;

/// <summary>How a <see cref="WavFileSink"/> writes its file.</summary>
public sealed class WavFileSinkOptions
{
    /// <summary>The file's sample rate, 8,000–48,000 Hz; audio is resampled from 48 kHz when it differs. Default 48,000.</summary>
    public int SampleRate { get; init; } = AudioFormat.SampleRate;

    /// <summary>1 (mono) or 2 (the mono signal on both channels). Default 1.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>How much audio may be written before the header's sizes are brought up to date. Default 1 second.</summary>
    public TimeSpan HeaderUpdateInterval { get; init; } = TimeSpan.FromSeconds(1);
}
