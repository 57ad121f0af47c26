namespace VoipKit.Media.Codecs;

/// <summary>How an <see cref="OpusAudioEncoder"/> starts; bitrate, FEC, DTX, loss hint and frame duration can change later.</summary>
public sealed class OpusEncoderSettings
{
    /// <summary>Target bitrate in bits per second, 6,000–64,000. Default 24,000 (wideband-to-fullband speech).</summary>
    public int Bitrate { get; init; } = 24_000;

    /// <summary>Frame duration in milliseconds: 10, 20, 40 or 60. Default 20.</summary>
    public int FrameMilliseconds { get; init; } = 20;

    /// <summary>Encoder complexity 0–10. Default 5: a good quality/CPU balance for calls.</summary>
    public int Complexity { get; init; } = 5;

    /// <summary>Whether to embed in-band FEC (LBRR) for the previous frame. Default true.</summary>
    public bool UseInbandFec { get; init; } = true;

    /// <summary>Whether to send (almost) nothing during silence (discontinuous transmission). Default false.</summary>
    public bool UseDtx { get; init; }

    /// <summary>The expected packet loss in percent, 0–100: the encoder spends more on FEC as it rises. Default 0.</summary>
    public int PacketLossPercent { get; init; }

    /// <summary>Native libopus when available, or always managed. Default <see cref="OpusCodecPreference.Auto"/>.</summary>
    public OpusCodecPreference Preference { get; init; } = OpusCodecPreference.Auto;
}
