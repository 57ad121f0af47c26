using System.Collections.Frozen;

namespace VoipKit.Media.Simulation;

/// <summary>
/// A one-way network path for <see cref="SimulatedLink"/>: delay, jitter, loss, reordering,
/// duplication and a bandwidth cap. The named profiles (<see cref="Get"/>) are the ones the
/// media tests and the quality report use.
/// </summary>
public sealed record NetworkProfile
{
    /// <summary>The profile's name, for reports.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Fixed one-way propagation delay.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Standard deviation of the normally distributed extra delay (the absolute value is added).</summary>
    public TimeSpan JitterStdDev { get; init; }

    /// <summary>Probability per packet of a delay spike drawn from a Pareto distribution.</summary>
    public double SpikeProbability { get; init; }

    /// <summary>Scale (minimum) of a Pareto delay spike.</summary>
    public TimeSpan SpikeScale { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Shape (alpha) of the Pareto spikes; smaller means heavier tails. Spikes are capped at 2 s.</summary>
    public double SpikeShape { get; init; } = 1.5;

    /// <summary>How packets are lost; <see cref="LossModel.None"/> by default.</summary>
    public LossModel Loss { get; init; } = LossModel.None;

    /// <summary>Probability per packet of being held back by <see cref="ReorderDelay"/> and overtaken by later ones.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>Extra delay of a reordered packet.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Probability per packet of arriving twice.</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Link capacity in bits per second; 0 means unlimited.</summary>
    public long BandwidthBitsPerSecond { get; init; }

    /// <summary>Bytes the bottleneck queue holds before dropping (drop-tail) when a bandwidth cap is set.</summary>
    public int QueueBytes { get; init; } = 16_000;

    /// <summary>Per-packet delays or losses to replay instead of the random models (see <see cref="NetworkTrace"/>).</summary>
    public NetworkTrace? Trace { get; init; }

    /// <summary>No impairment beyond 20 ms of delay.</summary>
    public static NetworkProfile Clean { get; } = new() { Name = "clean" };

    /// <summary>Busy Wi-Fi: 30 ms, 15 ms jitter, 2 % Pareto spikes, 0.5 % loss.</summary>
    public static NetworkProfile WifiJitter { get; } = new()
    {
        Name = "wifi-jitter",
        Delay = TimeSpan.FromMilliseconds(30),
        JitterStdDev = TimeSpan.FromMilliseconds(15),
        SpikeProbability = 0.02,
        SpikeScale = TimeSpan.FromMilliseconds(30),
        Loss = LossModel.Bernoulli(0.005),
    };

    /// <summary>A 3G mobile path: 90 ms, 25 ms jitter, spikes, bursty loss near 2 %, 384 kbit/s.</summary>
    public static NetworkProfile Mobile3G { get; } = new()
    {
        Name = "3g",
        Delay = TimeSpan.FromMilliseconds(90),
        JitterStdDev = TimeSpan.FromMilliseconds(25),
        SpikeProbability = 0.01,
        SpikeScale = TimeSpan.FromMilliseconds(60),
        Loss = LossModel.GilbertElliott(0.01, 0.35, 0.0, 0.7),
        BandwidthBitsPerSecond = 384_000,
        QueueBytes = 24_000,
    };

    /// <summary>10 % independent (Bernoulli) loss, 40 ms, little jitter.</summary>
    public static NetworkProfile Lossy10 { get; } = new()
    {
        Name = "lossy-10",
        Delay = TimeSpan.FromMilliseconds(40),
        JitterStdDev = TimeSpan.FromMilliseconds(3),
        Loss = LossModel.Bernoulli(0.10),
    };

    /// <summary>Bursty (Gilbert–Elliott) loss averaging about 6 %.</summary>
    public static NetworkProfile BurstLoss { get; } = new()
    {
        Name = "burst-loss",
        Delay = TimeSpan.FromMilliseconds(40),
        JitterStdDev = TimeSpan.FromMilliseconds(3),
        Loss = LossModel.GilbertElliott(0.02, 0.25, 0.0, 0.8),
    };

    /// <summary>A 64 kbit/s bottleneck with a 1 s drop-tail queue: overshooting first delays, then drops.</summary>
    public static NetworkProfile Congested64K { get; } = new()
    {
        Name = "congested-64k",
        Delay = TimeSpan.FromMilliseconds(40),
        JitterStdDev = TimeSpan.FromMilliseconds(2),
        BandwidthBitsPerSecond = 64_000,
        QueueBytes = 8_000,
    };

    private static readonly FrozenDictionary<string, NetworkProfile> Named = new[] { Clean, WifiJitter, Mobile3G, Lossy10, BurstLoss, Congested64K }
        .ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the built-in profiles.</summary>
    public static IReadOnlyList<string> Names { get; } = ["clean", "wifi-jitter", "3g", "lossy-10", "burst-loss", "congested-64k"];

    /// <summary>Looks up a built-in profile by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static NetworkProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Named.TryGetValue(name, out NetworkProfile? p)
            ? p
            : throw new ArgumentException($"Unknown network profile '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
    }
}
