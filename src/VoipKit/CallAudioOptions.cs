namespace VoipKit;

/// <summary>Audio settings of a client's calls: the Opus bitrate range, forward error correction and the jitter buffer.</summary>
public sealed class CallAudioOptions
{
    /// <summary>The highest Opus bitrate to send and to ask the peer for (bit/s, 6,000 to 510,000). Default 64,000.</summary>
    public int MaxBitrate { get; set; } = 64_000;

    /// <summary>The bitrate a call starts at (bit/s). Default 32,000.</summary>
    public int StartBitrate { get; set; } = 32_000;

    /// <summary>Whether to ask the peer for Opus in-band FEC and to send it when the network loses packets. Default true.</summary>
    public bool InbandFec { get; set; } = true;

    /// <summary>The smallest jitter buffer delay. Default 30 ms.</summary>
    public TimeSpan MinJitterDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>The largest jitter buffer delay. Default 500 ms.</summary>
    public TimeSpan MaxJitterDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Checks the ranges.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBitrate, 6_000, nameof(MaxBitrate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBitrate, 510_000, nameof(MaxBitrate));
        ArgumentOutOfRangeException.ThrowIfLessThan(StartBitrate, 6_000, nameof(StartBitrate));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinJitterDelay, TimeSpan.Zero, nameof(MinJitterDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJitterDelay, MinJitterDelay, nameof(MaxJitterDelay));
    }
}
