using VoipKit.Audio;
using VoipKit.Tests.Calls;
using VoipKit.Transport.Tests.Interop;

namespace VoipKit.Interop.Tests.Relay;

/// <summary>CallClients with coturn as their STUN/TURN server: ICE picks the path, and the relay-only policy forces coturn's relay.</summary>
public sealed class CallClientCoturnTests
{
    [Fact]
    public async Task Relay_only_on_both_sides_carries_audio_both_ways_through_coturn()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseCoturn(o, coturn, relayOnly: true));
        CallClient bob = await bed.StartClientAsync("bob", o => UseCoturn(o, coturn, relayOnly: true));
        var aliceHears = new RecordingSink();
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), aliceHears, new ToneSource(1000), bobHears);
        await Task.WhenAll(aliceHears.PlayMoreAsync(72_000), bobHears.PlayMoreAsync(72_000));

        Assert.Equal(CallPathType.Relayed, caller.Path!.Type);
        Assert.Equal(CallPathType.Relayed, callee.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 430, 450);
        Assert.InRange(AudioCheck.DominantFrequency(aliceHears.Snapshot()), 990, 1010);
        CallStatistics stats = callee.GetStatistics();
        Assert.True(stats.PacketsReceived > 50, stats.ToString());
        Assert.Equal(0, stats.PacketsRejected);
        Assert.True(stats.BytesRelayed > 5_000, $"{stats.BytesRelayed} bytes relayed");
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        await caller.HangUpAsync();
        Assert.Equal(CallEndReason.RemoteHangUp, (await callee.Ended.WaitAsync(TimeSpan.FromSeconds(10))).Reason);
    }

    [Fact]
    public async Task Relay_only_on_the_caller_alone_still_connects_with_the_callers_path_relayed()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseCoturn(o, coturn, relayOnly: true));
        CallClient bob = await bed.StartClientAsync("bob", o => UseCoturn(o, coturn, relayOnly: false));
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(700), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(72_000);

        Assert.Equal(CallPathType.Relayed, caller.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 690, 710);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task With_every_path_allowed_and_a_TURN_server_configured_ICE_still_prefers_the_host_pair()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseCoturn(o, coturn, relayOnly: false));
        CallClient bob = await bed.StartClientAsync("bob", o => UseCoturn(o, coturn, relayOnly: false));

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), new RecordingSink());

        Assert.Equal(CallPathType.Host, caller.Path!.Type);
        Assert.Equal(CallPathType.Host, callee.Path!.Type);
        Assert.Equal(0, caller.GetStatistics().BytesRelayed);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task TurnCredentialProvider_is_asked_per_call_and_its_credentials_carry_a_relay_only_call()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        int asked = 0;
        CallClient alice = await bed.StartClientAsync("alice", o =>
        {
            UseCoturn(o, coturn, relayOnly: true, withCredentials: false);
            o.TurnCredentialProvider = (server, _) =>
            {
                Interlocked.Increment(ref asked);
                return ValueTask.FromResult(new IceServerCredentials(CoturnServer.Username, CoturnServer.Password));
            };
        });
        CallClient bob = await bed.StartClientAsync("bob");
        var bobHears = new RecordingSink();

        (Call caller, _) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(48_000);

        Assert.Equal(1, asked);
        Assert.Equal(CallPathType.Relayed, caller.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Relay_only_call_with_a_wrong_TURN_password_fails_with_NetworkLost_naming_the_relay()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o =>
        {
            UseCoturn(o, coturn, relayOnly: true, withCredentials: false);
            o.TurnCredentialProvider = (_, _) => ValueTask.FromResult(new IceServerCredentials(CoturnServer.Username, "wrong"));
        });
        await bed.StartClientAsync("bob");

        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(CallEndReason.NetworkLost, e.Reason);
        Assert.Contains("relay", e.Message, StringComparison.Ordinal);
    }

    private static void UseCoturn(CallClientOptions options, CoturnServer coturn, bool relayOnly, bool withCredentials = true)
    {
        options.IceServers.Add(new IceServer { Url = $"stun:127.0.0.1:{coturn.EndPoint.Port}" });
        options.IceServers.Add(new IceServer
        {
            Url = $"turn:127.0.0.1:{coturn.EndPoint.Port}?transport=udp",
            Username = withCredentials ? CoturnServer.Username : null,
            Credential = withCredentials ? CoturnServer.Password : null,
        });
        options.IceTransportPolicy = relayOnly ? IceTransportPolicy.Relay : IceTransportPolicy.All;
    }
}
