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
}
