// Media quality report: for each network profile, a call between two MediaSessions over the
// simulator in virtual time (A speaks VoipKit's speech-like signal to B), then B's playout
// statistics and the distortion of what B heard against the same call on the clean profile:
// the mean log-spectral distance per 20 ms frame, after aligning each frame (time-stretching
// and jitter move the audio in time).
//
//   dotnet run -c Release --project benchmarks/VoipKit.QualityReport [-- --seconds 30 --seed 1]
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Session;
using VoipKit.Media.Simulation;

int seconds = 30, seed = 1;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--seconds")
    {
        seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--seed")
    {
        seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
}

Console.WriteLine($"VoipKit media quality report: {seconds} s calls in virtual time, speech-like signal, seed {seed}, SRTP AEAD_AES_128_GCM, Opus with adaptive bitrate");
Console.WriteLine();
Console.WriteLine("| profile | link loss | sent kbit/s | mean bitrate | jb delay | target | concealed | events | FEC rebuilt | accel/decel ms | MOS | LSD vs clean (dB) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
short[]? reference = null;
foreach (string name in NetworkProfile.Names)
{
    Result r = await RunAsync(NetworkProfile.Get(name), seconds, seed);
    reference ??= r.Heard; // the clean profile comes first
    double lsd = Distortion.MeanLogSpectralDistance(reference, r.Heard);
    MediaSessionStatistics s = r.Stats;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {r.LinkLoss:P1} | {r.SentKbps:F1} | {r.MeanBitrate / 1000:F1}k | {s.Playout.MeanDelay.TotalMilliseconds:F0} ms | {s.Playout.CurrentTargetDelay.TotalMilliseconds:F0} ms | {s.Playout.ConcealmentRatio:P2} | {s.Playout.ConcealmentEvents} | {s.Playout.FecPacketsReceived} | {s.Playout.RemovedSamplesForAcceleration / 48}/{s.Playout.InsertedSamplesForDeceleration / 48} | {s.MosEstimate:F2} | {lsd:F2} |"));
}

return 0;

static async Task<Result> RunAsync(NetworkProfile profile, int seconds, int seed)
{
    var time = new FakeTimeProvider();
    byte[] k1 = RandomNumberGenerator.GetBytes(16), s1 = RandomNumberGenerator.GetBytes(12), k2 = RandomNumberGenerator.GetBytes(16), s2 = RandomNumberGenerator.GetBytes(12);
    var heard = new MemoryAudioSink(48_000 * (seconds + 2));
    var toB = new Relay();
    var toA = new Relay();
    MediaSessionOptions Options(byte[] sk, byte[] ss, byte[] rk, byte[] rs) => new()
    {
        Profile = SrtpProtectionProfile.AeadAes128Gcm, SendMasterKey = sk, SendMasterSalt = ss, ReceiveMasterKey = rk, ReceiveMasterSalt = rs, TimeProvider = time,
    };
    await using var a = new MediaSession(Options(k1, s1, k2, s2), new SpeechLikeSource(seed, TimeSpan.FromSeconds(seconds + 5)), new MemoryAudioSink(), toB);
    await using var b = new MediaSession(Options(k2, s2, k1, s1), new SilenceSource(), heard, toA);
    using var ab = new SimulatedPath(profile, seed, time, p => b.OnPacketReceived(p));
    using var ba = new SimulatedPath(profile, seed + 1000, time, p => a.OnPacketReceived(p));
    toB.Path = ab;
    toA.Path = ba;
    await a.StartAsync();
    await b.StartAsync();
    double bitrateSum = 0;
    for (int ms = 1; ms <= seconds * 1000; ms++)
    {
        time.Advance(TimeSpan.FromMilliseconds(1));
        if (ms % 1000 == 0)
        {
            bitrateSum += a.GetStatistics().Target.Bitrate;
        }
    }

    LinkStatistics link = ab.Statistics;
    MediaSessionStatistics sa = a.GetStatistics();
    return new Result(b.GetStatistics(), heard.ToArray(), link.Sent == 0 ? 0 : (double)(link.Lost + link.QueueDrops) / link.Sent,
        (sa.PayloadBytesSent + (sa.PacketsSent * 50.0)) * 8 / seconds / 1000, bitrateSum / seconds);
}

internal sealed record Result(MediaSessionStatistics Stats, short[] Heard, double LinkLoss, double SentKbps, double MeanBitrate);

internal sealed class Relay : IMediaTransport
{
    public SimulatedPath? Path { get; set; }

    public void Send(ReadOnlySpan<byte> packet) => Path!.Send(packet);
}

/// <summary>Log-spectral distance between two recordings of the same speech, frame by frame.</summary>
internal static class Distortion
{
    private const int Frame = 960;
    private const int Fft = 1024;
    private const int EnvelopeStep = 480; // 10 ms

    public static double MeanLogSpectralDistance(short[] reference, short[] test)
    {
        double[] envRef = Envelope(reference), envTest = Envelope(test);
        double sum = 0;
        int count = 0;
        for (int start = 0; start + Frame <= test.Length; start += Frame)
        {
            // Coarse: align the surrounding second by its energy envelope (±500 ms); fine: the waveform (±10 ms).
            int coarse = BestEnvelopeLag(envRef, envTest, start / EnvelopeStep, 50, 100) * EnvelopeStep;
            int offset = BestWaveLag(reference, test, start, coarse, 480, 24);
            int refStart = start + offset;
            if (refStart < 0 || refStart + Frame > reference.Length || Energy(reference, refStart) < 1e6 * Frame / 960)
            {
                continue; // outside the reference, or a pause: nothing to compare
            }

            sum += Lsd(reference.AsSpan(refStart, Frame), test.AsSpan(start, Frame));
            count++;
        }

        return count == 0 ? double.NaN : sum / count;
    }

    private static double[] Envelope(short[] x)
    {
        var e = new double[x.Length / EnvelopeStep];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = Math.Sqrt(Energy(x, i * EnvelopeStep, EnvelopeStep) / EnvelopeStep);
        }

        return e;
    }

    private static int BestEnvelopeLag(double[] reference, double[] test, int at, int maxLag, int window)
    {
        int best = 0;
        double bestScore = double.MinValue;
        int from = Math.Max(0, at - (window / 2)), to = Math.Min(test.Length, from + window);
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double ab = 0, aa = 0, bb = 0;
            for (int i = from; i < to; i++)
            {
                int j = i + lag;
                if (j < 0 || j >= reference.Length)
                {
                    continue;
                }

                ab += reference[j] * test[i];
                aa += reference[j] * reference[j];
                bb += test[i] * test[i];
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

    private static int BestWaveLag(short[] reference, short[] test, int start, int centre, int range, int step)
    {
        int best = centre;
        double bestScore = double.MinValue;
        for (int lag = centre - range; lag <= centre + range; lag += step)
        {
            int r = start + lag;
            if (r < 0 || r + Frame > reference.Length)
            {
                continue;
            }

            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < Frame; i += 2)
            {
                double x = reference[r + i], y = test[start + i];
                ab += x * y;
                aa += x * x;
                bb += y * y;
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

    private static double Lsd(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        Span<double> pa = stackalloc double[(Fft / 2) + 1], pb = stackalloc double[(Fft / 2) + 1];
        PowerSpectrum(a, pa);
        PowerSpectrum(b, pb);
        double sum = 0;
        for (int k = 1; k < pa.Length; k++)
        {
            double d = 10 * Math.Log10((pa[k] + 1e-3) / (pb[k] + 1e-3));
            sum += d * d;
        }

        return Math.Sqrt(sum / (pa.Length - 1));
    }

    private static void PowerSpectrum(ReadOnlySpan<short> x, Span<double> power)
    {
        var buf = new Complex[Fft];
        for (int i = 0; i < x.Length; i++)
        {
            double w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (x.Length - 1))); // Hann
            buf[i] = new Complex(x[i] * w, 0);
        }

        FftInPlace(buf);
        for (int k = 0; k < power.Length; k++)
        {
            power[k] = (buf[k].Real * buf[k].Real) + (buf[k].Imaginary * buf[k].Imaginary);
        }
    }

    private static void FftInPlace(Complex[] a)
    {
        int n = a.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (a[i], a[j]) = (a[j], a[i]);
            }
        }

        for (int len = 2; len <= n; len <<= 1)
        {
            double angle = -2 * Math.PI / len;
            var wl = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int i = 0; i < n; i += len)
            {
                Complex w = Complex.One;
                for (int k = 0; k < len / 2; k++)
                {
                    Complex u = a[i + k], v = a[i + k + (len / 2)] * w;
                    a[i + k] = u + v;
                    a[i + k + (len / 2)] = u - v;
                    w *= wl;
                }
            }
        }
    }

    private static double Energy(short[] x, int start, int length = Frame)
    {
        double e = 0;
        for (int i = start; i < start + length && i < x.Length; i++)
        {
            e += (double)x[i] * x[i];
        }

        return e;
    }
}
