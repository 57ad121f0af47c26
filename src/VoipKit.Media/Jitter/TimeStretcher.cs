namespace VoipKit.Media.Jitter;

/// <summary>
/// Shortens or lengthens speech by one pitch period without changing its pitch (a small
/// WSOLA): it finds the lag (2.5–15 ms) at which the signal best repeats itself, then
/// removes or repeats one such period with a cross-fade. Silence is simply cut or padded.
/// </summary>
internal static class TimeStretcher
{
    private const int MinLag = 120;  // 2.5 ms: 400 Hz
    private const int MaxLag = 720;  // 15 ms: 67 Hz
    private const double SilenceRms = 200;

    /// <summary>
    /// Removes about one pitch period from <paramref name="audio"/> in place.
    /// </summary>
    /// <returns>The new length (the samples removed are length minus it).</returns>
    public static int Shorten(Span<short> audio)
    {
        int maxLag = Math.Min(MaxLag, audio.Length / 2);
        if (maxLag < MinLag * 2)
        {
            return audio.Length;
        }

        if (Rms(audio) < SilenceRms)
        {
            // Silence: drop 10 ms outright.
            int cut = Math.Min(480, audio.Length / 2);
            audio[cut..].CopyTo(audio);
            return audio.Length - cut;
        }

        int lag = BestLag(audio, maxLag);
        // Cross-fade the first period into the second, then close the gap.
        for (int i = 0; i < lag; i++)
        {
            double w = (double)i / lag;
            audio[i] = Clip(((1 - w) * audio[i]) + (w * audio[i + lag]));
        }

        audio[(2 * lag)..].CopyTo(audio[lag..]);
        return audio.Length - lag;
    }

    /// <summary>
    /// Inserts about one pitch period into the first <paramref name="length"/> samples of <paramref name="buffer"/>, which
    /// must have room for the length plus <see cref="MaxLag"/> samples.
    /// </summary>
    /// <returns>The new length.</returns>
    public static int Lengthen(Span<short> buffer, int length)
    {
        Span<short> audio = buffer[..length];
        int maxLag = Math.Min(MaxLag, length / 2);
        if (maxLag < MinLag * 2 || buffer.Length < length + maxLag)
        {
            return length;
        }

        int lag = Rms(audio) < SilenceRms ? Math.Min(480, maxLag) : BestLag(audio, maxLag);
        // Repeat the period [lag, 2*lag) after a cross-fade, shifting the rest right.
        buffer[lag..length].CopyTo(buffer[(2 * lag)..]);
        for (int i = 0; i < lag; i++)
        {
            double w = (double)i / lag;
            buffer[lag + i] = Clip((w * buffer[i]) + ((1 - w) * buffer[(2 * lag) + i]));
        }

        return length + lag;
    }

    private static int BestLag(ReadOnlySpan<short> x, int maxLag)
    {
        // Compare a window of maxLag samples with itself shifted by each candidate lag.
        int best = MinLag;
        double bestScore = double.MinValue;
        int n = Math.Min(maxLag, x.Length - maxLag);
        for (int lag = MinLag; lag <= maxLag; lag += 2)
        {
            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < n; i += 2)
            {
                double a = x[i], b = x[i + lag];
                ab += a * b;
                aa += a * a;
                bb += b * b;
            }

            double score = aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
            if (score > bestScore)
            {
                bestScore = score;
                best = lag;
            }
        }

        return best;
    }

    private static double Rms(ReadOnlySpan<short> x)
    {
        double sum = 0;
        foreach (short s in x)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    private static short Clip(double v) => (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue);
}
