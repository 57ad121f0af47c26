namespace VoipKit.Media.Jitter;

/// <summary>Limits and start values of a <see cref="JitterBuffer"/>.</summary>
public sealed class JitterBufferOptions
{
    /// <summary>The lowest target delay: one 20 ms packet plus a little slack for when it arrives within the playout tick. Default 30 ms.</summary>
    public TimeSpan MinimumDelay { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// The highest target delay. Default 500 ms: beyond that a conversation suffers more from
    /// the delay than from the concealment the extra buffering would avoid (ITU-T G.114 puts
    /// the limit for most calls at 400 ms mouth to ear).
    /// </summary>
    public TimeSpan MaximumDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The target before any jitter has been measured. Default 40 ms.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>How many packets the buffer holds at most (NetEq uses 200). Default 200.</summary>
    public int Capacity { get; init; } = 200;

    /// <summary>The largest payload accepted, in bytes. Default 1500.</summary>
    public int MaxPayloadBytes { get; init; } = 1500;

    /// <summary>The quantile of the delay distribution the target covers. Default 0.95.</summary>
    public double DelayQuantile { get; init; } = 0.95;
}
