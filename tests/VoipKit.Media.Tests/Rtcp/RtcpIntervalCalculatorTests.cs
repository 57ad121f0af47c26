using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpIntervalCalculatorTests
{
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }

    private static void Near(double expectedSeconds, TimeSpan actual) => Assert.Equal(expectedSeconds, actual.TotalSeconds, 6);

    [Fact]
    public void Minimum_applies_and_is_halved_before_the_first_report()
    {
        // 64 kbps: RTCP gets 5% = 400 B/s. 2 members, 1 sender (not <= 25%): t = 100 * 2 / 400 = 0.5 s -> 5 s minimum.
        var calc = new RtcpIntervalCalculator(64, useReducedMinimum: false, new FixedRandom(0.5), initialAverageSize: 100);
        Near(5, calc.ComputeDeterministicInterval(2, 1, weSent: true, initial: false));
        Near(5 / 1.21828, calc.ComputeInterval(2, 1, true, false));
        Near(2.5 / 1.21828, calc.ComputeInterval(2, 1, true, initial: true));
    }

    [Fact]
    public void Randomization_spans_half_to_one_and_a_half()
    {
        Near(5 * 0.5 / 1.21828, new RtcpIntervalCalculator(64, false, new FixedRandom(0), 100).ComputeInterval(2, 1, true, false));
        Near(5 * 1.49 / 1.21828, new RtcpIntervalCalculator(64, false, new FixedRandom(0.99), 100).ComputeInterval(2, 1, true, false));
    }

    [Fact]
    public void Bandwidth_share_for_senders_and_receivers()
    {
        // 8 kbps: RTCP gets 50 B/s; average 200 B.
        var calc = new RtcpIntervalCalculator(8, false, new FixedRandom(0.5), 200);
        Near(8, calc.ComputeDeterministicInterval(2, 1, true, false));          // 200 * 2 / 50
        // 10 members, 2 senders (<= 25%): senders share 25% over 2, receivers 75% over 8.
        Near(32, calc.ComputeDeterministicInterval(10, 2, true, false));        // 200 * 2 / 12.5
        Near(200 * 8 / 37.5, calc.ComputeDeterministicInterval(10, 2, false, false));
        Near(32 / 1.21828, calc.ComputeInterval(10, 2, true, false));
    }

    [Fact]
    public void Reduced_minimum_is_360_over_kbps_when_below_5_s()
    {
        var fast = new RtcpIntervalCalculator(720, useReducedMinimum: true, new FixedRandom(0.5), 100);
        Assert.Equal(TimeSpan.FromSeconds(0.5), fast.Minimum);
        Near(0.5, fast.ComputeDeterministicInterval(2, 1, true, false));       // 200 / 4500 s is below it
        Near(0.25, fast.ComputeDeterministicInterval(2, 1, true, true));
        Assert.Equal(TimeSpan.FromSeconds(5), new RtcpIntervalCalculator(64, true, new FixedRandom(0.5)).Minimum); // 5.625 > 5
    }

    [Fact]
    public void Average_size_moves_by_one_sixteenth()
    {
        var calc = new RtcpIntervalCalculator(64, false, new FixedRandom(0.5), 128);
        calc.OnRtcpPacket(256);
        Assert.Equal(136, calc.AverageRtcpSize); // 128 * 15/16 + 256/16
    }

    [Fact]
    public void Seeded_random_is_deterministic_and_in_range()
    {
        var a = new RtcpIntervalCalculator(64, false, new Random(42));
        var b = new RtcpIntervalCalculator(64, false, new Random(42));
        for (int i = 0; i < 100; i++)
        {
            TimeSpan t = a.ComputeInterval(2, 2, true, false);
            Assert.Equal(t, b.ComputeInterval(2, 2, true, false));
            Assert.InRange(t.TotalSeconds, 2.5 / 1.21828, 7.5 / 1.21828);
        }
    }
}
