namespace VoipKit.Media.Simulation;

/// <summary>
/// How a simulated link loses packets: not at all, independently (Bernoulli), or in bursts
/// (the two-state Gilbert–Elliott model).
/// </summary>
public sealed record LossModel
{
    private LossModel(double goodToBad, double badToGood, double lossInGood, double lossInBad)
    {
        Check(goodToBad, nameof(goodToBad));
        Check(badToGood, nameof(badToGood));
        Check(lossInGood, nameof(lossInGood));
        Check(lossInBad, nameof(lossInBad));
        GoodToBad = goodToBad;
        BadToGood = badToGood;
        LossInGood = lossInGood;
        LossInBad = lossInBad;
    }

    /// <summary>No loss.</summary>
    public static LossModel None { get; } = new(0, 1, 0, 0);

    /// <summary>Each packet is lost independently with probability <paramref name="probability"/>.</summary>
    /// <param name="probability">0–1.</param>
    /// <returns>The model.</returns>
    public static LossModel Bernoulli(double probability) => new(0, 1, probability, 0);

    /// <summary>Gilbert–Elliott: a good and a bad state with their own loss rates, switching per packet.</summary>
    /// <param name="goodToBad">Probability per packet of moving from good to bad.</param>
    /// <param name="badToGood">Probability per packet of moving from bad to good (1 / mean burst length).</param>
    /// <param name="lossInGood">Loss probability in the good state.</param>
    /// <param name="lossInBad">Loss probability in the bad state.</param>
    /// <returns>The model.</returns>
    public static LossModel GilbertElliott(double goodToBad, double badToGood, double lossInGood, double lossInBad) =>
        new(goodToBad, badToGood, lossInGood, lossInBad);

    /// <summary>Probability per packet of entering the bad state.</summary>
    public double GoodToBad { get; }

    /// <summary>Probability per packet of leaving the bad state.</summary>
    public double BadToGood { get; }

    /// <summary>Loss probability in the good state.</summary>
    public double LossInGood { get; }

    /// <summary>Loss probability in the bad state.</summary>
    public double LossInBad { get; }

    /// <summary>The long-run average loss rate.</summary>
    public double MeanLossRate
    {
        get
        {
            double total = GoodToBad + BadToGood;
            double bad = total == 0 ? 0 : GoodToBad / total;
            return ((1 - bad) * LossInGood) + (bad * LossInBad);
        }
    }

    private static void Check(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, "A probability must be 0-1.");
        }
    }
}
