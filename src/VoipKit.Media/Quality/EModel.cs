namespace VoipKit.Media.Quality;

/// <summary>
/// The ITU-T G.107 E-model, reduced to what a VoIP endpoint can measure: one-way
/// (mouth-to-ear) delay, packet loss and its burstiness, and the codec's impairment. It
/// turns them into a transmission rating R (0–100) and an estimated MOS (1–4.5).
/// </summary>
/// <remarks>
/// All other G.107 parameters take their defaults (R0 − Is = 93.2 for a narrowband
/// reference; echo and noise terms at default values are folded into that constant). Opus
/// has no entry in ITU-T G.113, so <see cref="OpusEquipmentImpairment"/> and
/// <see cref="OpusPacketLossRobustness"/> are VoipKit's assumptions, documented there.
/// </remarks>
public static class EModel
{
    /// <summary>R for a default connection with no impairments (G.107 default parameter set).</summary>
    public const double DefaultR = 93.2;

    /// <summary>Computes the rating factor R.</summary>
    /// <param name="oneWayDelay">Mouth-to-ear delay: network + jitter buffer + codec + device.</param>
    /// <param name="packetLossRate">Fraction of packets lost or discarded (late) after recovery, 0–1.</param>
    /// <param name="burstRatio">G.107 BurstR: 1 for random loss, above 1 for bursty loss.</param>
    /// <param name="equipmentImpairment">Ie of the codec at its bitrate.</param>
    /// <param name="packetLossRobustness">Bpl of the codec with its concealment.</param>
    /// <returns>R, clamped to 0–100.</returns>
    public static double RFactor(TimeSpan oneWayDelay, double packetLossRate, double burstRatio, double equipmentImpairment, double packetLossRobustness)
    {
        if (!(packetLossRate >= 0 && packetLossRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(packetLossRate), packetLossRate, "Loss must be a fraction 0-1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burstRatio, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegative(packetLossRobustness);
        double ppl = packetLossRate * 100;
        double ieEff = equipmentImpairment + ((95 - equipmentImpairment) * ppl / ((ppl / burstRatio) + packetLossRobustness));
        double r = DefaultR - DelayImpairment(oneWayDelay) - ieEff;
        return Math.Clamp(r, 0, 100);
    }

    /// <summary>G.107's Idd: the impairment of pure delay, 0 below 100 ms one way.</summary>
    /// <param name="oneWayDelay">The absolute one-way delay Ta.</param>
    /// <returns>Idd.</returns>
    public static double DelayImpairment(TimeSpan oneWayDelay)
    {
        double ta = oneWayDelay.TotalMilliseconds;
        if (ta <= 100)
        {
            return 0;
        }

        double x = Math.Log2(ta / 100);
        return 25 * (Math.Pow(1 + Math.Pow(x, 6), 1.0 / 6) - (3 * Math.Pow(1 + Math.Pow(x / 3, 6), 1.0 / 6)) + 2);
    }

    /// <summary>G.107's mapping from R to an estimated mean opinion score (conversational quality).</summary>
    /// <param name="r">The rating factor.</param>
    /// <returns>MOS, 1–4.5.</returns>
    public static double Mos(double r)
    {
        if (r <= 0)
        {
            return 1;
        }

        if (r >= 100)
        {
            return 4.5;
        }

        return 1 + (0.035 * r) + (r * (r - 60) * (100 - r) * 7e-6);
    }

    /// <summary>
    /// VoipKit's assumed Ie for Opus (SILK/hybrid, VoIP mode) at a bitrate: interpolated
    /// from 6 kbit/s (30) through 8 (24), 12 (15), 16 (10), 24 (6), 32 (4) to 64 kbit/s (2),
    /// in the spirit of G.113's figures for comparable codecs.
    /// </summary>
    /// <param name="bitrate">The encoder's target bitrate in bits per second.</param>
    /// <returns>Ie.</returns>
    public static double OpusEquipmentImpairment(int bitrate)
    {
        ReadOnlySpan<double> kbps = [6, 8, 12, 16, 24, 32, 64];
        ReadOnlySpan<double> ie = [30, 24, 15, 10, 6, 4, 2];
        double k = bitrate / 1000.0;
        if (k <= kbps[0])
        {
            return ie[0];
        }

        for (int i = 1; i < kbps.Length; i++)
        {
            if (k <= kbps[i])
            {
                double t = (k - kbps[i - 1]) / (kbps[i] - kbps[i - 1]);
                return ie[i - 1] + (t * (ie[i] - ie[i - 1]));
            }
        }

        return ie[^1];
    }

    /// <summary>VoipKit's assumed Bpl for Opus with its packet-loss concealment: 20 (G.113 gives 10–25 for codecs with PLC).</summary>
    public const double OpusPacketLossRobustness = 20;

    /// <summary>
    /// G.107's BurstR from the Gilbert model's transition probabilities observed on the
    /// stream: BurstR = 1 / (p + q), where p = P(loss | previous received) and q = P(received | previous lost).
    /// </summary>
    /// <param name="lossAfterReceived">p.</param>
    /// <param name="receivedAfterLoss">q.</param>
    /// <returns>BurstR, at least 1.</returns>
    public static double BurstRatio(double lossAfterReceived, double receivedAfterLoss)
    {
        double sum = lossAfterReceived + receivedAfterLoss;
        return sum <= 0 ? 1 : Math.Max(1, 1 / sum);
    }
}
