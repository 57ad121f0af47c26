using VoipKit.Media.Adaptation;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Adaptation;

public class BitrateControllerTests
{
    private sealed record Second(int Index, double SentBitsPerSecond, double LossRate, BitrateDecision Decision);

    /// <summary>
    /// A sender paced by the controller over a simulated link, with per-packet feedback
    /// (arrivals come back 30 ms after they happen) and an RTCP receiver report every second.
    /// </summary>
    private static List<Second> Run(NetworkProfile profile, int seconds, int seed = 1, int startBitrate = 32_000)
    {
        var controller = new BitrateController(new BitrateControllerOptions { StartBitrate = startBitrate });
        var link = new SimulatedLink(profile, seed);
        var feedback = new PriorityQueue<(TimeSpan Send, TimeSpan? Arrival, int Bytes), TimeSpan>();
        var result = new List<Second>();
        TimeSpan now = TimeSpan.Zero, nextSend = TimeSpan.Zero;
        long sentBits = 0;
        int sent = 0, lost = 0, second = 0;
        for (long ms = 0; ms < seconds * 1000L; ms++)
        {
            now = TimeSpan.FromMilliseconds(ms);
            while (feedback.TryPeek(out var f, out TimeSpan due) && due <= now)
            {
                feedback.Dequeue();
                controller.OnPacketFeedback(f.Send, f.Arrival, f.Bytes);
            }

            if (now >= nextSend)
            {
                BitrateDecision d = controller.Current;
                int bytes = (d.Bitrate * d.FrameMilliseconds / 8000) + 50;
                LinkVerdict v = link.Transmit(now, bytes);
                sent++;
                sentBits += bytes * 8;
                bool arrived = v.Fate == LinkFate.Delivered;
                lost += arrived ? 0 : 1;
                feedback.Enqueue((now, arrived ? v.Arrival : null, bytes), arrived ? v.Arrival + TimeSpan.FromMilliseconds(30) : now + TimeSpan.FromMilliseconds(300));
                nextSend = now + TimeSpan.FromMilliseconds(d.FrameMilliseconds);
            }

            if ((ms + 1) % 1000 == 0)
            {
                double loss = sent == 0 ? 0 : lost / (double)sent;
                controller.OnReceiverReport(now, loss);
                result.Add(new Second(second++, sentBits, loss, controller.Current));
                sentBits = 0;
                sent = 0;
                lost = 0;
            }
        }

        return result;
    }

    private static string Describe(List<Second> run) => string.Join("\n", run.Select(s => $"{s.Index}: sent {s.SentBitsPerSecond / 1000:F1}k loss {s.LossRate:P0} -> {s.Decision}"));

    [Fact]
    public void Clean_network_climbs_to_the_top_and_stays_there()
    {
        var run = Run(NetworkProfile.Clean, 40);
        var last = run.Skip(25).Select(s => s.Decision).Distinct().ToList();
        Assert.Single(last); // no oscillation once settled
        Assert.True(last[0].Bitrate >= 60_000, $"settled at {last[0].Bitrate}");
        Assert.False(last[0].UseInbandFec);
        Assert.Equal(20, last[0].FrameMilliseconds);
    }

    [Fact]
    public void Congested_64k_settles_under_the_cap_within_5s_and_stops_losing()
    {
        // Start at the top (64 kbit/s of Opus is 84 kbit/s on the wire): well over the cap.
        var run = Run(NetworkProfile.Congested64K, 60, startBitrate: 64_000);
        Assert.True(run[0].SentBitsPerSecond > 70_000);
        var settled = run.Skip(5).ToList();
        // Under the cap on average; slow probes for more room may cross it by a few percent.
        Assert.True(settled.Average(s => s.SentBitsPerSecond) <= 64_000, Describe(run));
        Assert.All(settled, s => Assert.True(s.SentBitsPerSecond <= 64_000 * 1.05, $"second {s.Index}: {s.SentBitsPerSecond}\n{Describe(run)}"));
        double lateLoss = settled.Average(s => s.LossRate);
        Assert.True(lateLoss < 0.02, $"loss after settling {lateLoss:P1}\n{Describe(run)}");
        // It does not collapse either: it keeps using most of the link.
        Assert.True(run.Skip(20).Average(s => s.SentBitsPerSecond) > 50_000, Describe(run));
    }

    [Theory]
    [InlineData("wifi-jitter", 1)]
    [InlineData("wifi-jitter", 2)]
    [InlineData("3g", 1)]
    [InlineData("3g", 2)]
    public void Jitter_without_queue_growth_is_not_taken_for_congestion(string profile, int seed)
    {
        // Both links have room for the top rate (3g: 384 kbit/s); their delay varies but no
        // queue builds, so the delay-based side must not hold the rate down.
        var run = Run(NetworkProfile.Get(profile), 60, seed);
        double mean = run.Skip(15).Average(s => s.Decision.Bitrate);
        Assert.True(mean >= 0.8 * 64_000, $"mean {mean:F0}\n{Describe(run)}");
    }

    [Fact]
    public void Steady_moderate_loss_holds_the_rate_and_turns_on_fec()
    {
        var run = Run(NetworkProfile.Clean with { Loss = LossModel.Bernoulli(0.05) }, 40);
        var tail = run.Skip(20).ToList();
        Assert.All(tail, s => Assert.True(s.Decision.UseInbandFec));
        Assert.All(tail, s => Assert.InRange(s.Decision.PacketLossPercent, 2, 10));
        // Between 2 % and 10 % the loss-based rule holds: at most a few distinct rates (no sawtooth).
        Assert.True(tail.Select(s => s.Decision.Bitrate).Distinct().Count() <= 3);
    }

    [Fact]
    public void Heavy_loss_backs_off_and_very_low_rates_use_longer_frames()
    {
        var run = Run(NetworkProfile.Clean with { Loss = LossModel.Bernoulli(0.35) }, 30);
        BitrateDecision end = run[^1].Decision;
        Assert.True(end.Bitrate <= 8_000, $"still at {end.Bitrate}");
        Assert.True(end.FrameMilliseconds >= 40, Describe(run));
        Assert.Equal(30, end.PacketLossPercent); // the hint is capped
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrateController(new BitrateControllerOptions { MinBitrate = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrateController(new BitrateControllerOptions { StartBitrate = 100_000 }));
        var c = new BitrateController();
        c.OnReceiverReport(TimeSpan.Zero, double.NaN); // a report without a usable fraction counts as no loss
        Assert.Equal(0, c.SmoothedLoss);
        Assert.Equal(32_000, new BitrateController().Current.Bitrate);
    }
}
