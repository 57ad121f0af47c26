using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Every pair failing, and relayed candidates through the <see cref="IRelayedCandidateSource"/> hook.</summary>
public sealed class IceFailureAndRelayTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task With_no_path_at_all_every_pair_fails_after_its_retransmissions_and_the_agent_fails()
    {
        var net = new VirtualNetwork(_time);
        net.Cut("192.0.2.10", "198.51.100.20");
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IcePeer.ExchangeAndStartAsync(a, b);
        DateTimeOffset start = _time.GetUtcNow();
        await net.RunAsync(TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Failed));

        Assert.Equal(IceConnectionState.Failed, a.Agent.State);
        // First send at Ta, then RTO 0.5, 1, 1.6, 1.6, 1.6, 1.6 s between the 7 sends and a last wait of 1.6 s.
        Assert.Equal(0.05 + 0.5 + 1 + (1.6 * 5), (a.FirstTime(IceConnectionState.Failed)!.Value - start).TotalSeconds, 2);
        Assert.Equal(7, net.Sent.Count(s => s.From.ToString() == "192.0.2.10:5000"));
        Assert.All(a.Agent.Pairs, p => Assert.Equal(IceCandidatePairState.Failed, p.State));
        Assert.Null(a.Agent.SelectedPair);
    }

    [Fact]
    public async Task With_30_waiting_pairs_the_first_retransmission_waits_Ta_times_30()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await a.GatherAsync();
        a.Agent.SetRemoteCredentials(IceCredentials.Generate());
        for (int i = 1; i <= 30; i++)
        {
            a.Agent.AddRemoteCandidate(new IceCandidate
            {
                Foundation = "r" + i, EndPoint = IPEndPoint.Parse($"198.51.100.{i}:6000"), Priority = (uint)(1000 + i), Type = IceCandidateType.Host,
            });
        }

        a.Agent.Start();
        await net.RunAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));

        var first = net.Sent.Where(s => s.To.ToString() == "198.51.100.30:6000").Select(s => s.At).ToList();
        Assert.Equal(2, first.Count);
        Assert.Equal(1.5, (first[1] - first[0]).TotalSeconds, 3); // MAX(500 ms, 50 ms × 30)
    }

    [Fact]
    public async Task When_the_best_valid_pair_dies_during_nomination_the_next_valid_pair_is_nominated()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"), net.Bind("192.0.2.11:5001"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IcePeer.ExchangeAndStartAsync(a, b);
        await net.RunAsync(TimeSpan.FromSeconds(2), until: () => a.Agent.Pairs.Any(p => p.IsValid && p.Socket.LocalEndPoint.Port == 5000));
        IceCandidatePair best = a.Agent.Pairs.Single(p => p.Socket.LocalEndPoint.Port == 5000);
        Assert.True(best.IsValid);
        Assert.Null(a.Agent.SelectedPair); // valid, not nominated yet
        DateTimeOffset cut = _time.GetUtcNow();
        net.Cut("192.0.2.10", "198.51.100.20");

        await net.RunAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), until: () => a.Agent.SelectedPair is not null && b.Agent.SelectedPair is not null);

        Assert.Equal("192.0.2.11:5001", a.Agent.SelectedPair?.Local.EndPoint.ToString());
        Assert.Equal("192.0.2.11:5001", b.Agent.SelectedPair?.Remote.EndPoint.ToString());
        Assert.InRange((_time.GetUtcNow() - cut).TotalSeconds, 0, 12); // the USE-CANDIDATE check's 9.5 s timeout, then one more check
        Assert.False(best.IsValid);
        Assert.Equal(IceCandidatePairState.Failed, best.State);
    }

    [Fact]
    public async Task A_triggered_check_on_an_in_progress_pair_stops_the_old_transactions_retransmissions()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        net.Drop = (from, _, data) => from.ToString() == "198.51.100.20:6000" && StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.SuccessResponse;
        await IcePeer.ExchangeAndStartAsync(a, b); // A's checks get no answer; B's checks reach A and trigger checks there

        await net.RunAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));

        var firstSend = new Dictionary<string, DateTimeOffset>();
        var lastSend = new Dictionary<string, DateTimeOffset>();
        foreach ((DateTimeOffset at, IPEndPoint from, _, byte[] data) in net.Sent)
        {
            if (from.ToString() == "192.0.2.10:5000" && StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.Request)
            {
                string id = Convert.ToHexString(m.TransactionId);
                firstSend.TryAdd(id, at);
                lastSend[id] = at;
            }
        }

        Assert.True(firstSend.Count >= 2, "B's checks triggered new checks at A");
        foreach ((string older, DateTimeOffset olderFirst) in firstSend)
        {
            foreach ((string newer, DateTimeOffset newerFirst) in firstSend)
            {
                Assert.False(newerFirst > olderFirst && lastSend[older] > newerFirst, $"{older} retransmitted after {newer} replaced it");
            }
        }
    }

    [Fact]
    public async Task A_relayed_candidate_from_the_hook_connects_when_nothing_else_does()
    {
        var net = new VirtualNetwork(_time);
        // A sits behind a NAT whose public side cannot reach B; the relay (203.0.113.200) can.
        VirtualNat nat = net.AddNat("203.0.113.1", symmetric: false);
        net.Cut("203.0.113.1", "198.51.100.20");
        VirtualSocket relayed = net.Bind("203.0.113.200:50000");
        var relays = new FakeRelays(new IceRelayedBase(relayed, IPEndPoint.Parse("203.0.113.1:40000"), IPEndPoint.Parse("203.0.113.200:3478")));
        await using var a = new IcePeer(net, IceRole.Controlling, new IceAgentOptions { RelayedCandidates = relays }, net.Bind("192.0.2.10:5000", nat));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IcePeer.ExchangeAndStartAsync(a, b);

        IceCandidate relay = Assert.Single(a.Candidates, c => c.Type == IceCandidateType.Relayed);
        Assert.Equal("203.0.113.200:50000", relay.EndPoint.ToString());
        Assert.Equal("203.0.113.1:40000", relay.RelatedEndPoint!.ToString());
        Assert.Equal(IceCandidate.ComputePriority(IceCandidateType.Relayed, 65534, 1), relay.Priority);

        await net.RunAsync(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Completed) && b.Is(IceConnectionState.Completed));
        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceCandidateType.Relayed, a.Agent.SelectedPair!.Local.Type);
        Assert.Equal("203.0.113.200:50000", b.Agent.SelectedPair!.Remote.EndPoint.ToString());
        Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, 7 }));
        Assert.True(await b.Agent.SendAsync(new byte[] { 0x80, 7 }));
        await net.RunAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, a.Received);
        Assert.Equal(1, b.Received);
    }

    private sealed class FakeRelays(IceRelayedBase relayed) : IRelayedCandidateSource
    {
        public ValueTask<IReadOnlyList<IceRelayedBase>> GetRelayedBasesAsync(CancellationToken cancellationToken) =>
            new([relayed]);
    }
}
