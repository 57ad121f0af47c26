using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Two agents over the virtual network, in virtual time.</summary>
public sealed class IceAgentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Ta = TimeSpan.FromMilliseconds(50);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Direct_hosts_connect_on_the_host_pair_with_checks_paced_at_Ta()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IcePeer.ExchangeAndStartAsync(a, b);
        DateTimeOffset start = _time.GetUtcNow();

        await net.RunAsync(TimeSpan.FromSeconds(5), until: () => a.Is(IceConnectionState.Completed) && b.Is(IceConnectionState.Completed));

        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        IceCandidatePair selected = a.Agent.SelectedPair!;
        Assert.Equal(IceCandidateType.Host, selected.Local.Type);
        Assert.Equal("198.51.100.20:6000", selected.Remote.EndPoint.ToString());
        Assert.True(selected.IsNominated);
        Assert.Equal("192.0.2.10:5000", b.Agent.SelectedPair!.Remote.EndPoint.ToString());
        Assert.Equal([IceConnectionState.Checking, IceConnectionState.Connected, IceConnectionState.Completed], a.States.Select(s => s.State));

        // First check at Ta, response after one round trip (20 ms), the USE-CANDIDATE check at the next Ta and its response: 120 ms.
        TimeSpan connectTime = a.FirstTime(IceConnectionState.Connected)!.Value - start;
        output.WriteLine($"direct: connected after {connectTime.TotalMilliseconds} ms (A), {(b.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds} ms (B)");
        Assert.InRange(connectTime.TotalMilliseconds, 100, 200);
        AssertPacedAtTa(net, "192.0.2.10:5000");
        AssertPacedAtTa(net, "198.51.100.20:6000");
    }

    [Fact]
    public async Task Data_flows_both_ways_over_the_selected_pair_and_strangers_are_dropped()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        Assert.False(await a.Agent.SendAsync(new byte[] { 0x80, 0, 0, 1 })); // nothing selected yet
        await ConnectAsync(net, a, b);

        byte[] rtp = new byte[172];
        rtp[0] = 0x80;
        for (int i = 0; i < 50; i++)
        {
            Assert.True(await a.Agent.SendAsync(rtp));
            Assert.True(await b.Agent.SendAsync(rtp));
            await net.RunAsync(TimeSpan.FromMilliseconds(20));
        }

        await net.RunAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal(50, a.Received);
        Assert.Equal(50, b.Received);

        VirtualSocket stranger = net.Bind("203.0.113.66:7000");
        await stranger.SendAsync(rtp, a.Sockets[0].EndPoint, default);
        await net.RunAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal(50, a.Received);
        Assert.Equal(1, a.Agent.DroppedDatagrams);
    }

    [Fact]
    public async Task A_DataReceived_handler_that_throws_does_not_stop_the_receive_loop()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await ConnectAsync(net, a, b);
        int calls = 0;
        b.Agent.DataReceived = _ =>
        {
            if (++calls == 1)
            {
                throw new InvalidOperationException("application bug");
            }
        };

        for (int i = 0; i < 3; i++)
        {
            Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, (byte)i }));
            await net.RunAsync(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(3, calls);
        Assert.Equal(1, b.Agent.CallbackFailures);
        await net.RunAsync(TimeSpan.FromSeconds(12), TimeSpan.FromMilliseconds(50)); // consent answers still read
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
    }

    [Fact]
    public async Task State_and_pair_handlers_that_throw_do_not_stop_the_agent_nor_the_other_handlers()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        EventHandler<IceConnectionState> throwingState = (_, _) => throw new InvalidOperationException("application bug");
        EventHandler<IceCandidatePair> throwingPair = (_, _) => throw new InvalidOperationException("application bug");
        foreach (IcePeer p in new[] { a, b })
        {
            p.Agent.StateChanged += throwingState; // after the IcePeer's own recorder, and before a second one
            p.Agent.SelectedPairChanged += throwingPair;
        }

        var seenAfter = new List<IceConnectionState>();
        a.Agent.StateChanged += (_, s) => seenAfter.Add(s);
        await ConnectAsync(net, a, b);
        Assert.Contains(IceConnectionState.Completed, seenAfter);
        Assert.True(a.Agent.CallbackFailures >= 4, $"{a.Agent.CallbackFailures}"); // Checking, Connected, Completed, the pair
        Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, 1 }));
        await net.RunAsync(TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, b.Received);
    }

    internal static async Task ConnectAsync(VirtualNetwork net, IcePeer a, IcePeer b)
    {
        await IcePeer.ExchangeAndStartAsync(a, b);
        await net.RunAsync(TimeSpan.FromSeconds(10), until: () => a.ReachedAny(IceConnectionState.Completed) && b.ReachedAny(IceConnectionState.Completed));
        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
    }

    // New checks (first sends of distinct transactions) from one agent are at least Ta apart.
    private static void AssertPacedAtTa(VirtualNetwork net, string from)
    {
        var seen = new HashSet<string>();
        var times = new List<DateTimeOffset>();
        foreach ((DateTimeOffset at, System.Net.IPEndPoint f, _, byte[] data) in net.Sent)
        {
            if (f.ToString() == from && StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.Request
                && seen.Add(Convert.ToHexString(m.TransactionId)))
            {
                times.Add(at);
            }
        }

        Assert.NotEmpty(times);
        for (int i = 1; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - 1] >= Ta, $"checks {i - 1} and {i} only {(times[i] - times[i - 1]).TotalMilliseconds} ms apart");
        }
    }
}
