using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtp;

/// <summary>A stream with losses and local reordering, starting anywhere so it often wraps.</summary>
public sealed record LossyArrivals(ushort Start, int Count, int[] Dropped, int[] Swaps)
{
    /// <summary>Arrival order of offsets from <see cref="Start"/>: the first stays first so it is the base.</summary>
    public List<int> Arrivals()
    {
        var order = Enumerable.Range(0, Count).ToList();
        foreach (int swap in Swaps)
        {
            int i = 1 + (swap % (Count - 2));
            (order[i], order[i + 1]) = (order[i + 1], order[i]);
        }

        var dropped = Dropped.Select(d => 1 + (d % (Count - 1))).ToHashSet();
        return order.Where(o => !dropped.Contains(o)).ToList();
    }
}

public static class LossyArrivalsArbitrary
{
    public static Arbitrary<LossyArrivals> Arrivals() =>
        (from start in Gen.Choose(0, 65535)
         from count in Gen.Choose(3, 3000)
         from drops in Gen.Choose(0, 50).SelectMany(n => Gen.Choose(0, 100_000).ArrayOf(n))
         from swaps in Gen.Choose(0, 200).SelectMany(n => Gen.Choose(0, 100_000).ArrayOf(n))
         select new LossyArrivals((ushort)start, count, drops, swaps)).ToArbitrary();
}

public class RtpReceiverPropertyTests
{
    [Property(Arbitrary = [typeof(LossyArrivalsArbitrary)], MaxTest = 60)]
    public bool Loss_counts_match_the_packets_dropped_across_wrap_and_reordering(LossyArrivals stream)
    {
        var r = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = 1, MinSequential = 1 }, TimeProvider.System);
        var buffer = new byte[32];
        List<int> arrivals = stream.Arrivals();
        foreach (int offset in arrivals)
        {
            RtpPacketWriter.TryWrite(buffer, new RtpHeader(111, (ushort)(stream.Start + offset), 0, 0xAAAA), [0], out int n);
            if (r.Receive(buffer.AsSpan(0, n), 0, out _) is not (RtpReceiveResult.Accepted or RtpReceiveResult.NewSource))
            {
                return false;
            }
        }

        int highest = arrivals.Max();
        RtpReceiveStatistics s = r.GetStatistics();
        return s.PacketsExpected == highest + 1
            && s.PacketsReceived == arrivals.Count
            && s.CumulativeLost == highest + 1 - arrivals.Count
            && s.ExtendedHighestSequence == (uint)(stream.Start + highest);
    }
}
