using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Agents behind simulated NATs: server- and peer-reflexive candidates, role conflicts, loss.</summary>
public sealed class IceNatTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string StunServer = "198.51.100.1:3478";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private static IceAgentOptions WithStun => new() { StunServers = [System.Net.IPEndPoint.Parse(StunServer)] };

    [Fact]
    public async Task Behind_a_cone_nat_the_server_reflexive_candidate_connects()
    {
        var net = new VirtualNetwork(_time);
        net.AddStunServer(StunServer);
        VirtualNat nat = net.AddNat("203.0.113.1", symmetric: false);
        await using var a = new IcePeer(net, IceRole.Controlling, WithStun, net.Bind("192.0.2.10:5000", nat));
        await using var b = new IcePeer(net, IceRole.Controlled, WithStun, net.Bind("198.51.100.20:6000"));
        await a.GatherAsync();
        await b.GatherAsync();

        Assert.Equal(2, a.Candidates.Count);
        IceCandidate srflx = Assert.Single(a.Candidates, c => c.Type == IceCandidateType.ServerReflexive);
        Assert.Equal("203.0.113.1:40000", srflx.EndPoint.ToString());
        Assert.Equal("192.0.2.10:5000", srflx.RelatedEndPoint!.ToString());
        Assert.Equal(IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, 65535, 1), srflx.Priority);
        // B is not behind a NAT: its server-reflexive address equals its host one and is pruned as redundant.
        Assert.Equal(IceCandidateType.Host, Assert.Single(b.Candidates).Type);

        await IcePeer.ExchangeAndStartAsync(a, b, gather: false);
        DateTimeOffset start = _time.GetUtcNow();
        await net.RunAsync(TimeSpan.FromSeconds(10), until: () => a.ReachedAny(IceConnectionState.Completed) && b.ReachedAny(IceConnectionState.Completed));

        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        output.WriteLine($"cone NAT: connected after {(a.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds} ms (A), {(b.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds} ms (B)");
        Assert.InRange((b.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds, 0, 1000);
        IceCandidatePair atA = a.Agent.SelectedPair!;
        Assert.Equal("198.51.100.20:6000", atA.Remote.EndPoint.ToString());
        Assert.Equal(IceCandidateType.ServerReflexive, atA.MappedLocal!.Type); // the valid pair's local candidate
        Assert.Equal("203.0.113.1:40000", b.Agent.SelectedPair!.Remote.EndPoint.ToString());
        Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, 1 }));
        await net.RunAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, b.Received);
    }

    [Fact]
    public async Task Behind_a_symmetric_nat_peer_reflexive_candidates_are_learnt_and_used()
    {
        var net = new VirtualNetwork(_time);
        net.AddStunServer(StunServer);
        VirtualNat symmetric = net.AddNat("203.0.113.1", symmetric: true);
        VirtualNat cone = net.AddNat("198.51.100.99", symmetric: false);
        await using var a = new IcePeer(net, IceRole.Controlling, WithStun, net.Bind("192.0.2.10:5000", symmetric));
        await using var b = new IcePeer(net, IceRole.Controlled, WithStun, net.Bind("192.0.2.20:6000", cone));
        await IcePeer.ExchangeAndStartAsync(a, b);
        DateTimeOffset start = _time.GetUtcNow();
        await net.RunAsync(TimeSpan.FromSeconds(10), until: () => a.ReachedAny(IceConnectionState.Completed) && b.ReachedAny(IceConnectionState.Completed));

        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        output.WriteLine($"symmetric NAT: connected after {(a.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds} ms (A), {(b.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds} ms (B)");
        Assert.InRange((b.FirstTime(IceConnectionState.Connected)!.Value - start).TotalMilliseconds, 0, 2000);
        // A's server-reflexive address is the mapping towards the STUN server only: B sees A through a new mapping.
        IceCandidatePair atB = b.Agent.SelectedPair!;
        Assert.Equal(IceCandidateType.PeerReflexive, atB.Remote.Type);
        Assert.Equal("203.0.113.1", atB.Remote.EndPoint.Address.ToString());
        Assert.DoesNotContain(a.Candidates, c => c.EndPoint.Equals(atB.Remote.EndPoint));
        Assert.Equal(IceCandidateType.PeerReflexive, a.Agent.SelectedPair!.MappedLocal!.Type);
        Assert.Equal("198.51.100.99", a.Agent.SelectedPair!.Remote.EndPoint.Address.ToString());
    }

    [Fact]
    public async Task Both_controlling_resolve_the_role_conflict_and_connect()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlling, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);

        Assert.NotEqual(a.Agent.Role, b.Agent.Role);
        Assert.True(a.Agent.SelectedPair!.IsNominated);
        Assert.True(b.Agent.SelectedPair!.IsNominated);
        Assert.Equal(b.Sockets[0].EndPoint, a.Agent.SelectedPair.Remote.EndPoint);
        Assert.Equal(a.Sockets[0].EndPoint, b.Agent.SelectedPair.Remote.EndPoint);
    }

    [Fact]
    public async Task Both_controlled_resolve_the_role_conflict_and_connect()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlled, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        Assert.NotEqual(a.Agent.Role, b.Agent.Role);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Thirty_percent_loss_still_connects_through_retransmissions(int seed)
    {
        var net = new VirtualNetwork(_time, seed) { Loss = 0.3 };
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        DateTimeOffset start = _time.GetUtcNow();
        await IceAgentTests.ConnectAsync(net, a, b);
        output.WriteLine($"30% loss, seed {seed}: completed after {(b.FirstTime(IceConnectionState.Completed)!.Value - start).TotalMilliseconds} ms (virtual, gathering included)");
        Assert.Equal(b.Sockets[0].EndPoint, a.Agent.SelectedPair!.Remote.EndPoint);
    }

    [Fact]
    public async Task Two_host_sockets_each_nomination_converges_on_the_best_pair()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"), net.Bind("192.0.2.11:5001"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"), net.Bind("198.51.100.21:6001"));
        await IceAgentTests.ConnectAsync(net, a, b);

        // The first socket of each has the highest local preference: that pair has the highest priority on both sides.
        Assert.Equal("192.0.2.10:5000", a.Agent.SelectedPair!.Local.EndPoint.ToString());
        Assert.Equal("198.51.100.20:6000", a.Agent.SelectedPair!.Remote.EndPoint.ToString());
        Assert.Equal("198.51.100.20:6000", b.Agent.SelectedPair!.Local.EndPoint.ToString());
        Assert.Equal("192.0.2.10:5000", b.Agent.SelectedPair!.Remote.EndPoint.ToString());
        Assert.Single(a.Agent.Pairs, p => p.IsNominated);
        // Nominating concluded the list: the Waiting and Frozen pairs were dropped (RFC 8445 section 8.1.2).
        Assert.DoesNotContain(a.Agent.Pairs, p => p.State is IceCandidatePairState.Waiting or IceCandidatePairState.Frozen);
    }
}
