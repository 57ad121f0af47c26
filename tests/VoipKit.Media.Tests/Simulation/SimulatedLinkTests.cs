using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Simulation;

public class SimulatedLinkTests
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private static List<LinkVerdict> Run(NetworkProfile profile, int seed, int packets, int size = 100, TimeSpan? interval = null)
    {
        var link = new SimulatedLink(profile, seed);
        var verdicts = new List<LinkVerdict>(packets);
        for (int i = 0; i < packets; i++)
        {
            verdicts.Add(link.Transmit((interval ?? Ptime) * i, size));
        }

        return verdicts;
    }

    [Fact]
    public void Same_seed_same_outcomes_other_seed_other_outcomes()
    {
        Assert.Equal(Run(NetworkProfile.WifiJitter, 5, 2000), Run(NetworkProfile.WifiJitter, 5, 2000));
        Assert.NotEqual(Run(NetworkProfile.WifiJitter, 5, 2000), Run(NetworkProfile.WifiJitter, 6, 2000));
    }

    [Fact]
    public void Clean_delivers_everything_after_exactly_the_delay()
    {
        var v = Run(NetworkProfile.Clean, 1, 500);
        for (int i = 0; i < v.Count; i++)
        {
            Assert.Equal(LinkFate.Delivered, v[i].Fate);
            Assert.Equal((Ptime * i) + TimeSpan.FromMilliseconds(20), v[i].Arrival);
        }
    }

    [Fact]
    public void Bernoulli_loss_rate_matches_the_profile()
    {
        var v = Run(NetworkProfile.Lossy10, 3, 100_000);
        double rate = v.Count(x => x.Fate == LinkFate.Lost) / (double)v.Count;
        Assert.InRange(rate, 0.095, 0.105);
    }

    [Fact]
    public void Gilbert_Elliott_loss_is_bursty_with_the_expected_mean()
    {
        var v = Run(NetworkProfile.BurstLoss, 3, 200_000);
        bool[] lost = [.. v.Select(x => x.Fate == LinkFate.Lost)];
        double rate = lost.Count(x => x) / (double)lost.Length;
        Assert.InRange(rate, NetworkProfile.BurstLoss.Loss.MeanLossRate - 0.006, NetworkProfile.BurstLoss.Loss.MeanLossRate + 0.006);
        int afterLoss = 0, lossAfterLoss = 0;
        for (int i = 1; i < lost.Length; i++)
        {
            if (lost[i - 1])
            {
                afterLoss++;
                lossAfterLoss += lost[i] ? 1 : 0;
            }
        }

        // Random loss would give P(loss | loss) == P(loss); bursts make it far larger.
        Assert.True(lossAfterLoss / (double)afterLoss > 5 * rate);
    }

    [Fact]
    public void Jitter_only_adds_delay_and_order_is_kept()
    {
        var v = Run(NetworkProfile.WifiJitter, 9, 20_000).Where(x => x.Fate == LinkFate.Delivered).ToList();
        TimeSpan previous = TimeSpan.MinValue;
        var extra = new List<double>();
        for (int i = 0; i < v.Count; i++)
        {
            Assert.True(v[i].Arrival >= previous);
            previous = v[i].Arrival;
        }

        var link = new SimulatedLink(NetworkProfile.WifiJitter with { Loss = LossModel.None, SpikeProbability = 0 }, 9);
        for (int i = 0; i < 20_000; i++)
        {
            // Sent 1 s apart so the FIFO rule never adds anything: pure jitter.
            extra.Add((link.Transmit(TimeSpan.FromSeconds(i), 100).Arrival - TimeSpan.FromSeconds(i) - TimeSpan.FromMilliseconds(30)).TotalMilliseconds);
        }

        Assert.True(extra.Min() >= 0);
        // Mean of |N(0, 15 ms)| is 15 * sqrt(2 / pi) = 11.97 ms.
        Assert.InRange(extra.Average(), 11.6, 12.4);
    }

    [Fact]
    public void Reordering_and_duplication_happen_at_their_rates()
    {
        var profile = NetworkProfile.Clean with { ReorderProbability = 0.05, DuplicateProbability = 0.02, ReorderDelay = TimeSpan.FromMilliseconds(50) };
        var link = new SimulatedLink(profile, 2);
        int inversions = 0;
        TimeSpan last = TimeSpan.Zero;
        for (int i = 0; i < 50_000; i++)
        {
            var v = link.Transmit(Ptime * i, 100);
            if (v.DuplicateArrival is { } d)
            {
                Assert.True(d > v.Arrival);
            }

            if (!v.Reordered && v.Arrival < last)
            {
                inversions++;
            }

            if (!v.Reordered)
            {
                last = v.Arrival;
            }
        }

        LinkStatistics s = link.Statistics;
        Assert.Equal(0, inversions);
        Assert.InRange(s.Reordered / 50_000.0, 0.045, 0.055);
        Assert.InRange(s.Duplicated / 50_000.0, 0.017, 0.023);
        Assert.Equal(50_000, s.Delivered);
    }

    [Fact]
    public void A_bandwidth_cap_first_delays_then_drops_overshoot()
    {
        // 200 bytes every 20 ms is 80 kbit/s into a 64 kbit/s link with an 8000-byte queue.
        var link = new SimulatedLink(NetworkProfile.Congested64K with { JitterStdDev = TimeSpan.Zero }, 1);
        var delays = new List<double>();
        int firstDrop = -1;
        for (int i = 0; i < 3000; i++)
        {
            var v = link.Transmit(Ptime * i, 200);
            if (v.Fate == LinkFate.QueueDrop && firstDrop < 0)
            {
                firstDrop = i;
            }

            if (v.Fate == LinkFate.Delivered)
            {
                delays.Add((v.Arrival - (Ptime * i)).TotalMilliseconds);
            }
        }

        Assert.True(delays[10] > delays[0], "the queue builds up before anything is dropped");
        // The queue fills at 16 kbit/s = 2000 B/s: 8000 B after about 4 s (200 packets).
        Assert.InRange(firstDrop, 180, 220);
        Assert.InRange(link.Statistics.QueueDrops / 3000.0, 0.15, 0.25); // a fifth of 80 kbit/s does not fit in 64
        Assert.True(delays.Max() <= 40 + 1000 + 30, "queueing delay is bounded by the queue size");

        // Under the cap nothing is dropped and the delay stays at propagation + serialisation.
        var slow = Run(NetworkProfile.Congested64K with { JitterStdDev = TimeSpan.Zero }, 1, 3000, size: 100);
        Assert.All(slow, v => Assert.Equal(LinkFate.Delivered, v.Fate));
        Assert.InRange(slow.Select((v, i) => (v.Arrival - (Ptime * i)).TotalMilliseconds).Max(), 52.4, 52.6);
    }

    [Fact]
    public void Trace_replays_delays_and_losses_and_repeats()
    {
        var trace = NetworkTrace.Parse(new StringReader("seq,delay_ms\n# a comment\n1,10\n2,lost\n3,25.5\n\n4,-1\n"));
        Assert.Equal(4, trace.Count);
        var link = new SimulatedLink(NetworkProfile.Clean with { Trace = trace }, 1);
        var v = Enumerable.Range(0, 8).Select(i => link.Transmit(TimeSpan.FromSeconds(i), 100)).ToList();
        Assert.Equal([LinkFate.Delivered, LinkFate.Lost, LinkFate.Delivered, LinkFate.Lost, LinkFate.Delivered, LinkFate.Lost, LinkFate.Delivered, LinkFate.Lost], v.Select(x => x.Fate));
        Assert.Equal(TimeSpan.FromMilliseconds(10), v[0].Arrival);
        Assert.Equal(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(25.5), v[2].Arrival);
        Assert.Equal(TimeSpan.FromSeconds(4) + TimeSpan.FromMilliseconds(10), v[4].Arrival);
    }

    [Theory]
    [InlineData("10\nbanana\n")]
    [InlineData("10\n-5\n")]
    [InlineData("99999999\n")]
    [InlineData("# only a comment\n")]
    public void Bad_traces_are_refused(string csv) => Assert.Throws<FormatException>(() => NetworkTrace.Parse(new StringReader(csv)));

    [Fact]
    public void Named_profiles_exist_and_bad_settings_are_refused()
    {
        foreach (string name in NetworkProfile.Names)
        {
            Assert.Equal(name, NetworkProfile.Get(name).Name);
        }

        Assert.Throws<ArgumentException>(() => NetworkProfile.Get("dial-up"));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossModel.Bernoulli(1.5));
        Assert.InRange(NetworkProfile.BurstLoss.Loss.MeanLossRate, 0.059, 0.060);
    }
}
