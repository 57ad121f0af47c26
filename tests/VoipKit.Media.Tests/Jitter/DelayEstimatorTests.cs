using VoipKit.Media.Jitter;

namespace VoipKit.Media.Tests.Jitter;

public class DelayEstimatorTests
{
    /// <summary>
    /// 20 ms packets with ±2 ms of network jitter; every second the sender's timer fires
    /// <paramref name="stallMs"/> late and the frames it owes leave together (a loaded machine).
    /// </summary>
    private static DelayEstimator Run(int seconds, int stallMs, JitterBufferOptions? options = null)
    {
        var estimator = new DelayEstimator(options ?? new JitterBufferOptions());
        int owed = stallMs / 20;
        for (int i = 0; i < seconds * 50; i++)
        {
            double media = i * 0.020;
            double jitter = ((i * 7919) % 5) - 2;
            double sendMs = i * 20;
            int inSecond = i % 50;
            if (stallMs > 0 && inSecond >= 25 && inSecond <= 25 + owed)
            {
                // Frames 25..25+owed all leave when the late tick comes, 0.1 ms apart.
                sendMs = ((i - inSecond + 25) * 20) + stallMs + ((inSecond - 25) * 0.1);
            }

            estimator.Add(TimeSpan.FromMilliseconds(sendMs + 30 + (stallMs > 0 && inSecond >= 25 && inSecond <= 25 + owed ? 0 : jitter)), media);
        }

        return estimator;
    }

    [Fact]
    public void Without_stalls_the_target_stays_near_the_minimum()
    {
        DelayEstimator e = Run(20, 0);
        Assert.InRange(e.Target.TotalMilliseconds, 30, 40);
        Assert.Equal(0, e.BurstPackets);
    }

    [Fact]
    public void A_clump_after_a_sender_stall_counts_once_not_once_per_packet()
    {
        // A 100 ms stall every second: the first packet is 100 ms late, the four behind it
        // arrive with it. Counted per packet, 5 of every 50 packets (10 %) would look 20–100 ms
        // late and the 95 % quantile would cover 80 ms or more; counted once per clump
        // (2 %), the target covers the jitter, not the stalls.
        DelayEstimator e = Run(30, 100);
        Assert.True(e.BurstPackets >= 30 * 4, $"{e.BurstPackets} packets in clumps");
        Assert.True(e.Target <= TimeSpan.FromMilliseconds(50), $"target {e.Target.TotalMilliseconds} ms");
    }

    [Fact]
    public void A_stream_whose_first_two_packets_arrive_together_counts_the_first_as_20_ms_late()
    {
        // The sender's first tick came late and sent two frames at once: the second shows that the
        // first, counted as on time when it was the only packet, was a frame late. Before, the
        // target stayed at the initial 40 ms and playout could start on the two.
        var e = new DelayEstimator(new JitterBufferOptions());
        e.Add(TimeSpan.FromMilliseconds(49), 0);
        e.Add(TimeSpan.FromMilliseconds(49.2), 0.020);

        Assert.Equal(1, e.BurstPackets);
        Assert.True(e.Target >= TimeSpan.FromMilliseconds(45), $"target {e.Target.TotalMilliseconds} ms"); // 20 ms late + the 30 ms minimum, binned
        for (int i = 2; i < 300; i++)
        {
            e.Add(TimeSpan.FromMilliseconds((i * 20) + 29.2), i * 0.020); // on time from then on
        }

        Assert.InRange(e.Target.TotalMilliseconds, 30, 31); // forgotten when the burst leaves the 2 s window
    }

    [Fact]
    public void Frequent_real_lateness_still_raises_the_target()
    {
        // Every fifth packet 60 ms late on its own (not in a clump): that is jitter to cover.
        var e = new DelayEstimator(new JitterBufferOptions());
        for (int i = 0; i < 1000; i++)
        {
            e.Add(TimeSpan.FromMilliseconds((i * 20) + 30 + (i % 5 == 0 ? 60 : 0)), i * 0.020);
        }

        Assert.True(e.Target >= TimeSpan.FromMilliseconds(80), $"target {e.Target.TotalMilliseconds} ms");
    }

    [Fact]
    public void The_target_never_exceeds_the_maximum_delay()
    {
        var e = new DelayEstimator(new JitterBufferOptions());
        Assert.Equal(TimeSpan.FromMilliseconds(500), new JitterBufferOptions().MaximumDelay);
        for (int i = 0; i < 500; i++)
        {
            // Every other packet a second late (each on its own, 10 ms after the previous arrival).
            e.Add(TimeSpan.FromMilliseconds((i * 20) + (i % 2 == 0 ? 0 : 1010)), i * 0.020);
        }

        Assert.Equal(500, e.Target.TotalMilliseconds, 3);
        var capped = new DelayEstimator(new JitterBufferOptions { MaximumDelay = TimeSpan.FromMilliseconds(200) });
        for (int i = 0; i < 500; i++)
        {
            capped.Add(TimeSpan.FromMilliseconds((i * 20) + (i % 2 == 0 ? 0 : 1010)), i * 0.020);
        }

        Assert.Equal(200, capped.Target.TotalMilliseconds, 3);
    }
}
