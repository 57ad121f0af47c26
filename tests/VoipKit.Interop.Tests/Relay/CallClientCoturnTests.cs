using System.Diagnostics;
using VoipKit.Audio;
using VoipKit.Tests.Calls;
using VoipKit.Transport.Tests.Interop;

namespace VoipKit.Interop.Tests.Relay;

/// <summary>CallClients with coturn as their STUN/TURN server: ICE picks the path, and the relay-only policy forces coturn's relay.</summary>
public sealed class CallClientCoturnTests
{
    [Fact]
    public async Task Relay_only_on_both_sides_carries_audio_both_ways_through_coturn_and_deletes_both_allocations_at_hang_up()
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
        foreach (Call call in (Call[])[caller, callee])
        {
            CallStatistics stats = call.GetStatistics();
            Assert.True(stats.PacketsReceived > 50, stats.ToString());
            Assert.Equal(0, stats.PacketsRejected);
            Assert.True(stats.BytesRelayed > 5_000, $"{call}: {stats.BytesRelayed} bytes relayed");
        }

        Assert.Equal(CallSecurity.EndToEndUnverified, caller.Security);
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        Assert.Equal(2, CoturnLog.Granted(coturn));
        await caller.HangUpAsync();
        Assert.Equal(CallEndReason.RemoteHangUp, (await callee.Ended.WaitAsync(TimeSpan.FromSeconds(10))).Reason);
        int deleted = await CoturnLog.WaitForAsync(coturn, CoturnLog.Deleted, 2, TimeSpan.FromSeconds(5));
        Assert.True(deleted == 2, $"{deleted} of 2 allocations deleted at coturn:\n{coturn.ReadLog()}");
    }

    [Fact]
    public async Task Relay_only_on_the_caller_alone_still_connects_with_the_callers_path_relayed()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseCoturn(o, coturn, relayOnly: true));
        CallClient bob = await bed.StartClientAsync("bob", o => UseCoturn(o, coturn, relayOnly: false));
        var aliceHears = new RecordingSink();
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(700), aliceHears, new ToneSource(1200), bobHears);
        await Task.WhenAll(aliceHears.PlayMoreAsync(72_000), bobHears.PlayMoreAsync(72_000));

        Assert.Equal(CallPathType.Relayed, caller.Path!.Type);
        Assert.Equal(CallPathType.Relayed, callee.Path!.RemoteType);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 690, 710);
        Assert.InRange(AudioCheck.DominantFrequency(aliceHears.Snapshot()), 1190, 1210);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task With_every_path_allowed_and_coturn_granting_both_sides_a_relay_ICE_still_selects_the_host_pair()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseCoturn(o, coturn, relayOnly: false));
        CallClient bob = await bed.StartClientAsync("bob", o => UseCoturn(o, coturn, relayOnly: false));
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(48_000);

        // The relays were there to choose (one allocation per side), and ICE preferred the direct pair.
        Assert.Equal(2, CoturnLog.Granted(coturn));
        Assert.Equal(CallPathType.Host, caller.Path!.Type);
        Assert.Equal(CallPathType.Host, callee.Path!.Type);
        Assert.Equal(0, caller.GetStatistics().BytesRelayed);
        Assert.Equal(0, callee.GetStatistics().BytesRelayed);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task TurnCredentialProvider_is_asked_once_per_call_and_its_credentials_not_the_configured_ones_carry_a_relay_only_call()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        int asked = 0;
        string? askedFor = null;
        CallClient alice = await bed.StartClientAsync("alice", o =>
        {
            UseCoturn(o, coturn, relayOnly: true, password: "stale-configured-password");
            o.TurnCredentialProvider = (server, _) =>
            {
                Interlocked.Increment(ref asked);
                askedFor = server.Url;
                return ValueTask.FromResult(new IceServerCredentials(CoturnServer.Username, CoturnServer.Password));
            };
        });
        CallClient bob = await bed.StartClientAsync("bob");
        var bobHears = new RecordingSink();

        (Call caller, _) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(48_000);

        Assert.Equal(1, asked);
        Assert.Equal(TurnUrl(coturn), askedFor);
        Assert.Equal(CallPathType.Relayed, caller.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Relay_only_call_whose_TurnCredentialProvider_gives_a_wrong_password_fails_ConnectAsync_within_10_s_with_NetworkLost_saying_no_relay_could_be_allocated()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        int asked = 0;
        CallClient alice = await bed.StartClientAsync("alice", o =>
        {
            UseCoturn(o, coturn, relayOnly: true, withCredentials: false);
            o.TurnCredentialProvider = (_, _) =>
            {
                Interlocked.Increment(ref asked);
                return ValueTask.FromResult(new IceServerCredentials(CoturnServer.Username, "wrong"));
            };
        });
        CallClient bob = await bed.StartClientAsync("bob");

        var elapsed = Stopwatch.StartNew();
        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(CallEndReason.NetworkLost, e.Reason);
        Assert.Contains("no TURN relay could be allocated", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, asked);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"took {elapsed.Elapsed}");
        Assert.Equal(CallEndReason.NetworkLost, (await call.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
        Assert.Empty(alice.Calls);
        Assert.Equal(0, CoturnLog.Granted(coturn));
        Assert.False(bob.IncomingCalls.TryRead(out _), "the callee must not ring: the call fails before any INVITE");
    }

    private static string TurnUrl(CoturnServer coturn) => $"turn:127.0.0.1:{coturn.EndPoint.Port}?transport=udp";

    private static void UseCoturn(CallClientOptions options, CoturnServer coturn, bool relayOnly, bool withCredentials = true, string password = CoturnServer.Password)
    {
        options.IceServers.Add(new IceServer { Url = $"stun:127.0.0.1:{coturn.EndPoint.Port}" });
        options.IceServers.Add(new IceServer
        {
            Url = TurnUrl(coturn),
            Username = withCredentials ? CoturnServer.Username : null,
            Credential = withCredentials ? password : null,
        });
        options.IceTransportPolicy = relayOnly ? IceTransportPolicy.Relay : IceTransportPolicy.All;
    }
}
