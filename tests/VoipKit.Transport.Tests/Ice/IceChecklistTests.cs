using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Tests.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Pairing, pair priorities, pruning, the pair limit, frozen/waiting states and the triggered queue.</summary>
public sealed class IceChecklistTests
{
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData(2130706431u, 1694498815u, (1694498815ul << 32) + (2ul * 2130706431) + 1)]
    [InlineData(1694498815u, 2130706431u, (1694498815ul << 32) + (2ul * 2130706431))]
    [InlineData(100u, 100u, (100ul << 32) + 200)]
    public void Pair_priority_is_the_rfc_8445_formula(uint controlling, uint controlled, ulong expected) =>
        Assert.Equal(expected, IceCandidatePair.ComputePriority(controlling, controlled));

    [Fact]
    public void Pair_priority_depends_on_the_role_and_is_the_same_on_both_sides()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        IceCandidate local = s.BaseCandidate!;
        IceCandidate remote = Candidate("198.51.100.20:6000", IceCandidateType.ServerReflexive, "9");
        var asControlling = new IceCandidatePair(local, remote, s, IceRole.Controlling);
        var asControlled = new IceCandidatePair(remote, local, s, IceRole.Controlled); // the peer's view
        Assert.Equal(asControlling.Priority, asControlled.Priority);
        asControlling.UpdatePriority(IceRole.Controlled);
        Assert.NotEqual(asControlled.Priority, asControlling.Priority);
    }

    [Fact]
    public void Pairs_are_sorted_and_a_reflexive_local_candidate_is_replaced_by_its_base()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        IceCandidate srflx = Candidate("203.0.113.1:40000", IceCandidateType.ServerReflexive, "2", related: "192.0.2.10:5000");
        IceCandidate[] remotes =
        [
            Candidate("198.51.100.20:6000", IceCandidateType.Host, "r1"),
            Candidate("203.0.113.50:7000", IceCandidateType.ServerReflexive, "r2"),
            Candidate("[2001:db8::1]:6000", IceCandidateType.Host, "r3"), // other address family: not paired
        ];
        var list = new IceChecklist(IceRole.Controlling);
        list.AddPairs([s.BaseCandidate!, srflx], remotes, c => s);

        // host→host, host→srflx; srflx→x became base→x, the same pairs, so pruned.
        Assert.Equal(2, list.Pairs.Count);
        Assert.All(list.Pairs, p => Assert.Same(s.BaseCandidate, p.Local));
        Assert.True(list.Pairs[0].Priority > list.Pairs[1].Priority);
        Assert.Equal("198.51.100.20:6000", list.Pairs[0].Remote.EndPoint.ToString());
        // Different foundations: both start Waiting.
        Assert.All(list.Pairs, p => Assert.Equal(IceCandidatePairState.Waiting, p.State));
    }

    [Fact]
    public void One_pair_per_foundation_starts_waiting_the_others_frozen_until_it_succeeds()
    {
        IceSocket s1 = Socket("192.0.2.10:5000", index: 0, foundation: "1");
        IceSocket s2 = Socket("192.0.2.10:5002", index: 1, foundation: "1"); // same type and IP: same foundation
        IceCandidate remote = Candidate("198.51.100.20:6000", IceCandidateType.Host, "r1");
        var list = new IceChecklist(IceRole.Controlling);
        list.AddPairs([s1.BaseCandidate!, s2.BaseCandidate!], [remote], c => c == s1.BaseCandidate ? s1 : s2);

        Assert.Equal([IceCandidatePairState.Waiting, IceCandidatePairState.Frozen], list.Pairs.Select(p => p.State));
        IceCandidatePair first = list.NextCheck()!;
        Assert.Same(list.Pairs[0], first);
        first.State = IceCandidatePairState.InProgress;
        Assert.Null(list.NextCheck()); // the frozen one's foundation is in progress
        first.State = IceCandidatePairState.Succeeded;
        list.UnfreezeFoundation(first.Foundation);
        Assert.Same(list.Pairs[1], list.NextCheck());
    }

    [Fact]
    public void Triggered_checks_go_first_once_each_and_a_frozen_pair_is_unfrozen_when_nothing_waits()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        IceCandidate[] remotes = [.. Enumerable.Range(0, 3).Select(i => Candidate($"198.51.100.{20 + i}:6000", IceCandidateType.Host, "r"))];
        var list = new IceChecklist(IceRole.Controlled);
        list.AddPairs([s.BaseCandidate!], remotes, c => s);
        IceCandidatePair low = list.Pairs[2];
        list.Trigger(low);
        list.Trigger(low);
        Assert.Same(low, list.NextCheck());
        low.State = IceCandidatePairState.InProgress;
        IceCandidatePair next = list.NextCheck()!;
        Assert.NotSame(low, next);
        next.State = IceCandidatePairState.Failed;
        // Same foundation "1:r" for all three: the last is frozen until nothing of the foundation is waiting or in progress.
        low.State = IceCandidatePairState.Failed;
        IceCandidatePair last = list.NextCheck()!;
        Assert.Equal(IceCandidatePairState.Waiting, last.State);
        last.State = IceCandidatePairState.Failed;
        Assert.Null(list.NextCheck());
        Assert.True(list.AllFailed);
        Assert.True(list.IsIdle);
    }

    [Fact]
    public void The_list_keeps_at_most_the_limit_of_highest_priority_pairs()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        IceCandidate[] remotes = [.. Enumerable.Range(1, 150).Select(i => Candidate($"198.51.100.{i}:6000", IceCandidateType.Host, "r" + i, priority: (uint)(1000 + i)))];
        var list = new IceChecklist(IceRole.Controlling, maxPairs: 100);
        list.AddPairs([s.BaseCandidate!], remotes, c => s);
        Assert.Equal(100, list.Pairs.Count);
        Assert.Equal("198.51.100.150:6000", list.Pairs[0].Remote.EndPoint.ToString());
        Assert.Equal("198.51.100.51:6000", list.Pairs[^1].Remote.EndPoint.ToString());
        Assert.Null(list.Add(new IceCandidatePair(s.BaseCandidate!, Candidate("203.0.113.9:1", IceCandidateType.Host, "x", priority: 1), s, IceRole.Controlling)));
    }

    [Fact]
    public void A_full_list_drops_learnt_peer_reflexive_pairs_before_signalled_ones_whatever_their_priority()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        var list = new IceChecklist(IceRole.Controlled, maxPairs: 3);
        list.AddPairs([s.BaseCandidate!], [Candidate("198.51.100.20:6000", IceCandidateType.Host, "r1", priority: 1000)], c => s);
        for (int i = 1; i <= 5; i++)
        {
            var learnt = new IceCandidatePair(s.BaseCandidate!, Candidate($"203.0.113.66:{i}", IceCandidateType.PeerReflexive, "p" + i, priority: uint.MaxValue - (uint)i), s, IceRole.Controlled) { RemoteLearnt = true };
            IceCandidatePair? kept = list.Add(learnt);
            if (kept is not null)
            {
                kept.State = IceCandidatePairState.Waiting;
            }
        }

        Assert.Equal(3, list.Pairs.Count);
        Assert.Contains(list.Pairs, p => p.Remote.EndPoint.ToString() == "198.51.100.20:6000");
        Assert.Equal(2, list.Pairs.Count(p => p.RemoteLearnt));
    }

    [Fact]
    public void A_role_change_recomputes_priorities_and_sorts_again()
    {
        IceSocket s = Socket("192.0.2.10:5000");
        IceCandidate[] remotes =
        [
            Candidate("198.51.100.20:6000", IceCandidateType.Host, "r1", priority: 2000),
            Candidate("198.51.100.21:6000", IceCandidateType.Host, "r2", priority: 3000),
        ];
        var list = new IceChecklist(IceRole.Controlling);
        list.AddPairs([s.BaseCandidate!], remotes, c => s);
        list.SetRole(IceRole.Controlled);
        Assert.All(list.Pairs, p => Assert.Equal(IceCandidatePair.ComputePriority(p.Remote.Priority, p.Local.Priority), p.Priority));
        Assert.True(list.Pairs[0].Priority >= list.Pairs[1].Priority);
    }

    private IceSocket Socket(string endPoint, int index = 0, string foundation = "1")
    {
        var transport = new FixedTransport(_time, IPEndPoint.Parse(endPoint));
        var socket = new IceSocket(transport, index, relayed: false);
        socket.BaseCandidate = new IceCandidate
        {
            Foundation = foundation,
            EndPoint = socket.LocalEndPoint,
            Type = IceCandidateType.Host,
            Priority = IceCandidate.ComputePriority(IceCandidateType.Host, 65535 - index, 1),
        };
        return socket;
    }

    private static IceCandidate Candidate(string endPoint, IceCandidateType type, string foundation, string? related = null, uint priority = 0) => new()
    {
        Foundation = foundation,
        EndPoint = IPEndPoint.Parse(endPoint),
        Type = type,
        RelatedEndPoint = related is null ? null : IPEndPoint.Parse(related),
        Priority = priority != 0 ? priority : IceCandidate.ComputePriority(type, 65535, 1),
    };

    private sealed class FixedTransport(TimeProvider time, IPEndPoint local) : VoipKit.Transport.Stun.IDatagramTransport
    {
        private readonly InMemoryDatagramTransport _inner = new(time);

        public EndPoint LocalEndPoint => local;

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken) =>
            _inner.SendAsync(datagram, remote, cancellationToken);

        public ValueTask<VoipKit.Transport.Stun.DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            _inner.ReceiveAsync(buffer, cancellationToken);
    }
}
