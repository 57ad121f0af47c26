using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Hostile input on the agent's socket, and candidates trickled after the start.</summary>
public sealed class IceRobustnessTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Property(MaxTest = 200)]
    public Property Random_and_mangled_datagrams_never_throw_and_never_select_a_pair() =>
        Prop.ForAll(
            Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(0, 120).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).Select(bytes => (kind, bytes))).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (input, where) =>
            {
                var net = new VirtualNetwork(_time);
                var agent = new IceAgent(IceRole.Controlled, [net.Bind("192.0.2.10:5000")], timeProvider: _time);
                try
                {
                    agent.GatherAsync().GetAwaiter().GetResult();
                    IceSocket socket = new(net.Bind("192.0.2.99:1"), 0, relayed: false);
                    byte[] datagram = input.kind switch
                    {
                        0 => input.bytes,
                        1 => Mangle(SignedCheck(agent.LocalCredentials), where),            // a bit flipped in a valid check
                        2 => Truncate(SignedCheck(agent.LocalCredentials), where),           // a truncated check
                        _ => [0x01, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42, .. input.bytes],   // a "response" header and garbage
                    };
                    agent.ProcessDatagram(socket, datagram, IPEndPoint.Parse("198.51.100.20:6000"));
                    Assert.Null(agent.SelectedPair);
                }
                finally
                {
                    agent.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            });

    [Fact]
    public async Task Candidates_trickled_after_the_start_are_paired_and_checked()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await a.GatherAsync();
        await b.GatherAsync();
        a.Agent.SetRemoteCredentials(b.Agent.LocalCredentials);
        b.Agent.SetRemoteCredentials(a.Agent.LocalCredentials);
        a.Agent.Start();
        b.Agent.Start();
        await net.RunAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(IceConnectionState.Checking, a.Agent.State);

        a.Agent.AddRemoteCandidate(b.Candidates[0]); // B's arrives first: A's check teaches B a prflx candidate
        await net.RunAsync(TimeSpan.FromSeconds(2), until: () => a.Is(IceConnectionState.Completed) && b.Is(IceConnectionState.Completed));
        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        Assert.Equal(IceCandidateType.PeerReflexive, b.Agent.SelectedPair!.Remote.Type);
        b.Agent.AddRemoteCandidate(a.Candidates[0]); // late: already known at that address, nothing changes
        Assert.Single(b.Agent.Pairs);
    }

    private static byte[] SignedCheck(IceCredentials local)
    {
        using var key = new StunHmacSha1Key(StunIntegrity.ShortTermKey(local.Password));
        return IceStunMessages.CheckRequest(new byte[12], local.Ufrag, "peer", 1, IceRole.Controlling, 1, useCandidate: true, key);
    }

    private static byte[] Truncate(byte[] data, int where) => data[..(where % data.Length)];

    private static byte[] Mangle(byte[] data, int where)
    {
        int bit = where % (data.Length * 8);
        data[bit / 8] ^= (byte)(1 << (bit % 8));
        return data;
    }

    [Fact]
    public async Task Thousands_of_signed_checks_from_new_ports_keep_remote_candidates_bounded_and_the_real_pair_connects()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlled, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlling, null, net.Bind("198.51.100.20:6000"));
        await a.GatherAsync();
        await b.GatherAsync();
        IcePeer.Signal(a, b);
        IcePeer.Signal(b, a);

        // Someone who knows A's password (a leaked offer, a hostile peer) checks from 5000 ports with the highest PRIORITY.
        // Nothing comes back to them: A's answers and triggered checks towards 203.0.113.66 are lost.
        net.Drop = (_, to, _) => to.Address.ToString() == "203.0.113.66";
        IceCredentials local = a.Agent.LocalCredentials;
        using StunHmacSha1Key key = IceStunMessages.PrepareKey(local.Password);
        var target = (IPEndPoint)a.Sockets[0].LocalEndPoint;
        byte[] transactionId = new byte[12];
        for (int i = 0; i < 5000; i++)
        {
            BitConverter.TryWriteBytes(transactionId, i);
            VirtualSocket attacker = net.Bind("203.0.113.66:" + (10000 + i));
            await attacker.SendAsync(IceStunMessages.CheckRequest(transactionId, local.Ufrag, "evil", uint.MaxValue, IceRole.Controlling, 0, useCandidate: false, key), target, default);
            if (i % 500 == 499)
            {
                await net.RunAsync(TimeSpan.FromMilliseconds(10));
            }
        }

        await net.RunAsync(TimeSpan.FromMilliseconds(20));
        Assert.InRange(a.Agent.RemoteCandidates.Count, 1, 100);
        Assert.InRange(a.Agent.Pairs.Count, 1, 100);
        Assert.True(a.Agent.DroppedPeerReflexiveCandidates >= 4900, $"dropped {a.Agent.DroppedPeerReflexiveCandidates}");
        Assert.Contains(a.Agent.Pairs, p => p.Remote.EndPoint.ToString() == "198.51.100.20:6000"); // not evicted by priority
        Assert.Equal(IceRemoteCandidateResult.Duplicate, a.Agent.AddRemoteCandidate(IceCandidate.Parse(b.Candidates[0].ToString())));
        Assert.Equal(IceRemoteCandidateResult.LimitReached, a.Agent.AddRemoteCandidate(IceCandidate.Parse("candidate:9 1 UDP 2130706431 198.51.100.99 7000 typ host")));

        a.Agent.Start();
        b.Agent.Start();
        await net.RunAsync(TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), until: () => a.ReachedAny(IceConnectionState.Connected) && b.ReachedAny(IceConnectionState.Connected));
        Assert.Equal("198.51.100.20:6000", a.Agent.SelectedPair?.Remote.EndPoint.ToString());
        Assert.Equal("192.0.2.10:5000", b.Agent.SelectedPair?.Remote.EndPoint.ToString());
        Assert.InRange(a.Agent.RemoteCandidates.Count, 1, 100);
    }

    [Fact]
    public async Task A_learnt_peer_reflexive_candidate_is_not_paired_with_a_local_candidate_gathered_later()
    {
        var net = new VirtualNetwork(_time);
        var relays = new GatedRelays(new IceRelayedBase(net.Bind("203.0.113.1:40000"), IPEndPoint.Parse("192.0.2.10:5000"), IPEndPoint.Parse("203.0.113.200:3478")));
        await using var a = new IcePeer(net, IceRole.Controlled, new IceAgentOptions { RelayedCandidates = relays }, net.Bind("192.0.2.10:5000"));
        Task<IReadOnlyList<IceCandidate>> gather = a.Agent.GatherAsync(); // the host candidate now, the relay when the gate opens
        await net.RunAsync(TimeSpan.FromMilliseconds(30));
        IceCredentials local = a.Agent.LocalCredentials;
        using StunHmacSha1Key key = IceStunMessages.PrepareKey(local.Password);
        VirtualSocket peer = net.Bind("198.51.100.20:6000");
        net.Drop = (_, to, _) => to.Equals(peer.EndPoint); // nobody reads the peer's socket
        await peer.SendAsync(IceStunMessages.CheckRequest(new byte[12], local.Ufrag, "peer", 1000, IceRole.Controlling, 0, useCandidate: false, key), (IPEndPoint)a.Sockets[0].LocalEndPoint, default);
        await net.RunAsync(TimeSpan.FromMilliseconds(30));
        Assert.Equal(IceCandidateType.PeerReflexive, Assert.Single(a.Agent.Pairs).Remote.Type);

        relays.Open();
        await net.RunAsync(TimeSpan.FromMilliseconds(30), until: () => gather.IsCompleted);
        Assert.Contains(await gather, c => c.Type == IceCandidateType.Relayed);
        Assert.Equal("192.0.2.10:5000", Assert.Single(a.Agent.Pairs).Local.EndPoint.ToString()); // RFC 8445 section 7.3.1.3
        Assert.Single(a.Agent.RemoteCandidates);

        // Signalled afterwards: now paired with the relay too.
        Assert.Equal(IceRemoteCandidateResult.Duplicate, a.Agent.AddRemoteCandidate(IceCandidate.Parse("candidate:1 1 UDP 2130706431 198.51.100.20 6000 typ host")));
        Assert.Equal(2, a.Agent.Pairs.Count);
    }

    [Fact]
    public async Task Disposing_while_gathering_adds_no_relay_and_starts_no_receive_loop_and_Start_then_throws()
    {
        var net = new VirtualNetwork(_time);
        var relays = new GatedRelays(new IceRelayedBase(net.Bind("203.0.113.1:40000"), IPEndPoint.Parse("192.0.2.10:5000"), IPEndPoint.Parse("203.0.113.200:3478")));
        var agent = new IceAgent(IceRole.Controlled, [net.Bind("192.0.2.10:5000")], new IceAgentOptions { RelayedCandidates = relays }, _time);
        Task<IReadOnlyList<IceCandidate>> gather = agent.GatherAsync();
        await net.RunAsync(TimeSpan.FromMilliseconds(30));

        await agent.DisposeAsync();
        relays.Open();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => gather);
        Assert.DoesNotContain(agent.LocalCandidates, c => c.Type == IceCandidateType.Relayed);
        Assert.Throws<ObjectDisposedException>(agent.Start);
    }

    private sealed class GatedRelays(IceRelayedBase relayed) : IRelayedCandidateSource
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public async ValueTask<IReadOnlyList<IceRelayedBase>> GetRelayedBasesAsync(CancellationToken cancellationToken)
        {
            await _gate.Task.WaitAsync(cancellationToken);
            return [relayed];
        }
    }
}
