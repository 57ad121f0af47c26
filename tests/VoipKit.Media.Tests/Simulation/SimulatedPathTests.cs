using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Simulation;

public class SimulatedPathTests
{
    [Fact]
    public void Packets_arrive_in_virtual_time_at_their_due_times()
    {
        var time = new FakeTimeProvider();
        var arrivals = new List<(int Seq, TimeSpan At)>();
        DateTimeOffset start = time.GetUtcNow();
        using var path = new SimulatedPath(NetworkProfile.Clean, 1, time, p => arrivals.Add((BinaryPrimitives.ReadInt32BigEndian(p), time.GetUtcNow() - start)));
        byte[] packet = new byte[4];
        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(packet, i);
            path.Send(packet);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal([0, 1, 2, 3], arrivals.Select(a => a.Seq)); // 20 ms delay: sent at 0, 10, 20, 30 arrive by 50
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([0, 1, 2, 3, 4], arrivals.Select(a => a.Seq));
        Assert.Equal(TimeSpan.FromMilliseconds(20), arrivals[0].At);
        Assert.Equal(0, path.InFlight);
    }

    [Fact]
    public void A_jittery_lossy_path_is_reproducible_and_counts_what_it_did()
    {
        static List<int> RunOnce()
        {
            var time = new FakeTimeProvider();
            var got = new List<int>();
            using var path = new SimulatedPath(NetworkProfile.WifiJitter with { ReorderProbability = 0.02, DuplicateProbability = 0.01 }, 42, time,
                p => got.Add(BinaryPrimitives.ReadInt32BigEndian(p)));
            byte[] packet = new byte[160];
            for (int i = 0; i < 3000; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(packet, i);
                path.Send(packet);
                time.Advance(TimeSpan.FromMilliseconds(20));
            }

            time.Advance(TimeSpan.FromSeconds(5));
            LinkStatistics s = path.Statistics;
            Assert.Equal(s.Delivered + s.Duplicated, got.Count);
            Assert.True(s.Lost > 0 && s.Reordered > 0 && s.Duplicated > 0);
            return got;
        }

        Assert.Equal(RunOnce(), RunOnce());
    }

    [Fact]
    public void A_handler_can_send_on_the_same_path_and_dispose_stops_deliveries()
    {
        var time = new FakeTimeProvider();
        int received = 0;
        SimulatedPath? path = null;
        path = new SimulatedPath(NetworkProfile.Clean, 1, time, p =>
        {
            received++;
            if (p[0] < 3)
            {
                path!.Send([(byte)(p[0] + 1)]); // an echo that bounces three times
            }
        });
        path.Send([0]);
        // FakeTimeProvider fires timers at the end of each Advance, so step in 1 ms ticks.
        for (int i = 0; i < 200; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(4, received);

        path.Send([9]);
        path.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4, received);
        Assert.Throws<ObjectDisposedException>(() => path.Send([1]));
    }
}
