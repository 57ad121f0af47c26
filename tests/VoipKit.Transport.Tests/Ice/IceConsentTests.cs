using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>Consent freshness (RFC 7675) and ICE restart after the pair is selected.</summary>
public sealed class IceConsentTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Consent_checks_every_4_to_6_s_keep_the_call_up_for_a_minute()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        int before = net.Sent.Count;
        DateTimeOffset start = _time.GetUtcNow();

        await net.RunAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));

        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        List<DateTimeOffset> requests = net.Sent.Skip(before)
            .Where(s => s.From.ToString() == "192.0.2.10:5000" && IsRequest(s.Data))
            .Select(s => s.At).ToList();
        Assert.InRange(requests.Count, 10, 15); // 60 s / (4..6 s)
        Assert.InRange((requests[0] - start).TotalSeconds, 3.9, 6.05); // the pair was selected a few ms before start
        var gaps = requests.Zip(requests.Skip(1), (x, y) => (y - x).TotalSeconds).ToList();
        Assert.All(gaps, g => Assert.InRange(g, 4.0, 6.05)); // sent on the first Ta tick at or after the due time
        Assert.True(gaps.Max() - gaps.Min() > 0.1, "intervals are randomized");
    }

    [Fact]
    public async Task A_path_that_dies_goes_Disconnected_then_Failed_within_30_s_and_sending_stops()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        await net.RunAsync(TimeSpan.FromSeconds(7), TimeSpan.FromMilliseconds(50));
        DateTimeOffset cut = _time.GetUtcNow();
        net.Cut("192.0.2.10", "198.51.100.20");

        await net.RunAsync(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Failed) && b.Is(IceConnectionState.Failed));

        foreach (IcePeer peer in new[] { a, b })
        {
            Assert.Equal(IceConnectionState.Failed, peer.Agent.State);
            TimeSpan disconnected = peer.FirstTime(IceConnectionState.Disconnected)!.Value - cut;
            TimeSpan failed = peer.FirstTime(IceConnectionState.Failed)!.Value - cut;
            Assert.InRange(disconnected.TotalSeconds, 4, 10.1); // 10 s after the last answer, which came before the cut
            Assert.InRange(failed.TotalSeconds, 24, 30.1);     // 30 s after the last answer
            Assert.False(await peer.Agent.SendAsync(new byte[] { 0x80, 0 }));
        }
    }

    [Fact]
    public async Task Only_responses_refresh_consent_so_a_one_way_cut_fails_even_while_the_peers_checks_arrive()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        await net.RunAsync(TimeSpan.FromSeconds(7), TimeSpan.FromMilliseconds(50));
        DateTimeOffset cut = _time.GetUtcNow();

        // B's responses to A are lost; B's own checks (and their answers from A) still go through.
        net.Drop = (from, _, data) => from.ToString() == "198.51.100.20:6000" && IsResponse(data);
        int requestsFromB = net.Sent.Count(s => s.From.ToString() == "198.51.100.20:6000" && IsRequest(s.Data));

        await net.RunAsync(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Failed));

        Assert.True(net.Sent.Count(s => s.From.ToString() == "198.51.100.20:6000" && IsRequest(s.Data)) > requestsFromB + 2, "the peer's checks kept arriving");
        Assert.Equal(IceConnectionState.Failed, a.Agent.State);
        TimeSpan disconnected = a.FirstTime(IceConnectionState.Disconnected)!.Value - cut;
        TimeSpan failed = a.FirstTime(IceConnectionState.Failed)!.Value - cut;
        Assert.InRange(disconnected.TotalSeconds, 4, 10.1);
        Assert.InRange(failed.TotalSeconds, 24, 30.1);
        Assert.False(await a.Agent.SendAsync(new byte[] { 0x80, 0 }));
        Assert.NotEqual(IceConnectionState.Failed, b.Agent.State); // B still gets answers: its consent holds
    }

    [Fact]
    public async Task A_short_outage_comes_back_from_Disconnected()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        net.Cut("192.0.2.10", "198.51.100.20");
        await net.RunAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Disconnected));
        Assert.Equal(IceConnectionState.Disconnected, a.Agent.State);
        net.Cut("192.0.2.10", "198.51.100.20", cut: false);
        await net.RunAsync(TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(50), until: () => a.Is(IceConnectionState.Completed));
        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
    }

    [Fact]
    public async Task Ice_restart_selects_a_new_pair_with_new_credentials_while_media_keeps_flowing()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"), net.Bind("192.0.2.11:5001"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        IceCandidatePair oldPair = a.Agent.SelectedPair!;
        IceCandidatePair oldPairAtB = b.Agent.SelectedPair!;
        Assert.Equal("192.0.2.10:5000", oldPair.Local.EndPoint.ToString());
        IceCredentials oldCredentials = a.Agent.LocalCredentials;

        IceCredentials newA = a.Agent.Restart();
        IceCredentials newB = b.Agent.Restart();
        Assert.NotEqual(oldCredentials, newA);
        Assert.Equal(IceConnectionState.Checking, a.Agent.State);
        Assert.Same(oldPair, a.Agent.SelectedPair); // still carrying media
        Assert.Empty(a.Agent.Pairs);
        int sentBefore = net.Sent.Count;

        // Media every 20 ms both ways while the new credentials go through signaling and the checks run.
        int gapsOver40Ms = 0;
        DateTimeOffset lastAt = _time.GetUtcNow();
        int lastCount = b.Received;
        for (int i = 0; i < 100 && !(i > 5 && a.Is(IceConnectionState.Completed) && b.Is(IceConnectionState.Completed)); i++)
        {
            if (i == 3)
            {
                IcePeer.Signal(a, b);
                IcePeer.Signal(b, a);
            }

            Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, (byte)i }));
            Assert.True(await b.Agent.SendAsync(new byte[] { 0x80, (byte)i }));
            await net.RunAsync(TimeSpan.FromMilliseconds(20));
            if (b.Received != lastCount)
            {
                lastCount = b.Received;
                gapsOver40Ms += _time.GetUtcNow() - lastAt > TimeSpan.FromMilliseconds(40) ? 1 : 0;
                lastAt = _time.GetUtcNow();
            }
        }

        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
        Assert.NotSame(oldPair, a.Agent.SelectedPair);
        Assert.NotSame(oldPairAtB, b.Agent.SelectedPair);
        Assert.True(a.Agent.SelectedPair!.IsNominated);
        Assert.Equal(0, gapsOver40Ms);
        Assert.Equal(0, a.Agent.DroppedDatagrams);
        Assert.Equal(0, b.Agent.DroppedDatagrams);

        // The new checks name the new ufrags: USERNAME "newB:newA" from A.
        Assert.Contains(net.Sent.Skip(sentBefore), s => UsernameOf(s.Data) == newB.Ufrag + ":" + newA.Ufrag);
        Assert.DoesNotContain(net.Sent.Skip(sentBefore), s => UsernameOf(s.Data)?.Contains(oldCredentials.Ufrag, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Ice_restart_raises_StateChanged_Checking()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        int before = a.States.Count;

        a.Agent.Restart();

        Assert.Equal(IceConnectionState.Checking, a.Agent.State);
        Assert.Equal(IceConnectionState.Checking, Assert.Single(a.States.Skip(before)).State);
    }

    [Fact]
    public async Task Retired_keys_do_not_pile_up_over_restarts_and_new_remote_credentials()
    {
        var net = new VirtualNetwork(_time);
        await using var a = new IcePeer(net, IceRole.Controlling, null, net.Bind("192.0.2.10:5000"));
        await using var b = new IcePeer(net, IceRole.Controlled, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);
        for (int i = 0; i < 200; i++)
        {
            a.Agent.Restart();
            a.Agent.SetRemoteCredentials(IceCredentials.Generate());
            a.Agent.SetRemoteCredentials(b.Agent.LocalCredentials);
        }

        Assert.InRange(a.Agent.RetiredKeyCount, 0, 2);
    }

    [Fact]
    public async Task Ice_restart_onto_a_new_interface_moves_media_there_before_the_old_one_dies()
    {
        var net = new VirtualNetwork(_time);
        VirtualSocket wifi = net.Bind("192.0.2.10:5000");
        await using var a = new IcePeer(net, IceRole.Controlled, null, wifi);
        await using var b = new IcePeer(net, IceRole.Controlling, null, net.Bind("198.51.100.20:6000"));
        await IceAgentTests.ConnectAsync(net, a, b);

        VirtualSocket cellular = net.Bind("192.0.2.77:7000");
        a.Agent.Restart([cellular]);
        b.Agent.Restart();
        await a.GatherAsync();
        Assert.Equal("192.0.2.77:7000", Assert.Single(a.Candidates).EndPoint.ToString());
        IcePeer.Signal(a, b);
        IcePeer.Signal(b, a);
        int missed = 0;
        for (int i = 0; i < 100 && !(a.Is(IceConnectionState.Completed) && b.Is(IceConnectionState.Completed)); i++)
        {
            int before = b.Received;
            Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, (byte)i }));
            await net.RunAsync(TimeSpan.FromMilliseconds(20));
            missed += b.Received == before ? 1 : 0;
        }

        Assert.Equal(0, missed);
        Assert.Equal("192.0.2.77:7000", a.Agent.SelectedPair!.Local.EndPoint.ToString());
        Assert.Equal("192.0.2.77:7000", b.Agent.SelectedPair!.Remote.EndPoint.ToString());

        // The old interface goes away: media goes on over the new one, both ways, and consent stays fresh.
        net.Cut("192.0.2.10", "198.51.100.20");
        int receivedByA = a.Received;
        int receivedByB = b.Received;
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await a.Agent.SendAsync(new byte[] { 0x80, 1 }));
            Assert.True(await b.Agent.SendAsync(new byte[] { 0x80, 2 }));
            await net.RunAsync(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(receivedByA + 10, a.Received);
        Assert.Equal(receivedByB + 10, b.Received);
        await net.RunAsync(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(50));
        Assert.Equal(IceConnectionState.Completed, a.Agent.State);
        Assert.Equal(IceConnectionState.Completed, b.Agent.State);
    }

    private static string? UsernameOf(byte[] data) =>
        StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.TryGetAttribute(StunAttributeType.Username, out ReadOnlySpan<byte> u)
            ? System.Text.Encoding.UTF8.GetString(u)
            : null;

    private static bool IsResponse(byte[] data) =>
        StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.Class is StunClass.SuccessResponse or StunClass.ErrorResponse;

    private static bool IsRequest(byte[] data) =>
        StunMessage.TryParse(data, out StunMessage m) == StunParseResult.Ok && m.Class == StunClass.Request;
}
