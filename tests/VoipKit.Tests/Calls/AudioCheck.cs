namespace VoipKit.Tests.Calls;

/// <summary>What audio reached a sink: its loudest frequency (Goertzel scan) and its level.</summary>
internal static class AudioCheck
{
    /// <summary>The frequency between 100 Hz and 4 kHz (10 Hz steps) with the most energy in the last <paramref name="seconds"/> of <paramref name="samples"/>.</summary>
    public static double DominantFrequency(ReadOnlySpan<short> samples, double seconds = 1.0, int sampleRate = 48_000)
    {
        int n = Math.Min(samples.Length, (int)(seconds * sampleRate));
        ReadOnlySpan<short> window = samples[^n..];
        double best = 0;
        double bestPower = -1;
        for (double f = 100; f <= 4000; f += 10)
        {
            double power = Goertzel(window, f, sampleRate);
            if (power > bestPower)
            {
                bestPower = power;
                best = f;
            }
        }

        return best;
    }

    /// <summary>Root-mean-square level of the last <paramref name="seconds"/>, in full-scale units (0 to 1).</summary>
    public static double Rms(ReadOnlySpan<short> samples, double seconds = 1.0, int sampleRate = 48_000)
    {
        int n = Math.Min(samples.Length, (int)(seconds * sampleRate));
        if (n == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (short s in samples[^n..])
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / n) / short.MaxValue;
    }

    private static double Goertzel(ReadOnlySpan<short> x, double frequency, int sampleRate)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double coefficient = 2 * Math.Cos(w);
        double s1 = 0, s2 = 0;
        foreach (short sample in x)
        {
            double s0 = sample + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }
}
