using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpSchedulerTests
{
    private sealed class SequenceRandom(params double[] values) : Random
    {
        private int _next;

        public override double NextDouble() => values[_next++ % values.Length];
    }

    [Fact]
    public void First_report_after_half_the_minimum_then_the_full_minimum()
    {
        var scheduler = new RtcpScheduler(new RtcpIntervalCalculator(64, false, new SequenceRandom(0.5), 100)) { Members = 2, Senders = 2, WeSent = true };
        TimeSpan first = scheduler.Start(TimeSpan.Zero);
        Assert.Equal(2.5 / 1.21828, first.TotalSeconds, 6);
        Assert.True(scheduler.OnTimerExpired(first));
        TimeSpan next = scheduler.OnRtcpSent(first, 100);
        Assert.False(scheduler.Initial);
        Assert.Equal(first.TotalSeconds + (5 / 1.21828), next.TotalSeconds, 6);
    }

    [Fact]
    public void Forward_reconsideration_defers_when_the_recomputed_interval_is_not_over()
    {
        // Start draws 0.5 (factor 1.0); at expiry the redraw is 0.9 (factor 1.4): not due yet.
        var scheduler = new RtcpScheduler(new RtcpIntervalCalculator(64, false, new SequenceRandom(0.5, 0.9, 0.0), 100)) { Members = 2, Senders = 1, WeSent = true };
        TimeSpan first = scheduler.Start(TimeSpan.Zero);
        Assert.False(scheduler.OnTimerExpired(first));
        Assert.Equal(2.5 * 1.4 / 1.21828, scheduler.NextTransmission.TotalSeconds, 6);
        // At that time the redraw is 0.0 (factor 0.5): due.
        Assert.True(scheduler.OnTimerExpired(scheduler.NextTransmission));
    }

    [Fact]
    public void Timer_before_start_is_misuse()
    {
        var scheduler = new RtcpScheduler(new RtcpIntervalCalculator(64, false, new Random(1)));
        Assert.Throws<InvalidOperationException>(() => scheduler.OnTimerExpired(TimeSpan.Zero));
    }
}
