using VoipKit.Audio;
using VoipKit.Signaling.Interop.Tests.Infrastructure;
using VoipKit.Tests.Calls;

namespace VoipKit.Interop.Tests.Proxy;

/// <summary>
/// CallClients registered at an unmodified Kamailio 5.6 (digest auth from db_text, record-routing proxy) calling each
/// other end to end, prekeys from the directory: the deployment that outgrew the embedded server.
/// </summary>
[Collection(KamailioGroup.Name)]
public sealed class CallClientKamailioTests
{
    [Fact]
    public async Task End_to_end_call_through_Kamailio_carries_each_sides_tone_and_verifies()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        var directory = new InMemoryPreKeyDirectory();
        await using CallClient alice = await StartAsync(kamailio, directory, "alice", timeout.Token);
        await using CallClient bob = await StartAsync(kamailio, directory, "bob", timeout.Token);
        Assert.Equal(RegistrationState.Registered, alice.RegistrationState);
        Assert.Equal(RegistrationState.Registered, bob.RegistrationState);
        var aliceHears = new RecordingSink();
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), aliceHears, new ToneSource(1000), bobHears);
        await Task.WhenAll(aliceHears.PlayMoreAsync(72_000), bobHears.PlayMoreAsync(72_000));

        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 430, 450);
        Assert.InRange(AudioCheck.DominantFrequency(aliceHears.Snapshot()), 990, 1010);
        Assert.Equal(CallSecurity.EndToEndUnverified, caller.Security);
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        Assert.NotNull(caller.SafetyNumber);
        Assert.Equal(caller.SafetyNumber, callee.SafetyNumber);
        caller.MarkVerified();
        callee.MarkVerified();
        Assert.Equal(CallSecurity.EndToEndVerified, caller.Security);
        Assert.Equal(CallSecurity.EndToEndVerified, callee.Security);
        Assert.Equal(0, caller.GetStatistics().PacketsRejected);
        Assert.Equal(0, callee.GetStatistics().PacketsRejected);

        await callee.HangUpAsync(timeout.Token);
        Assert.Equal(CallEndReason.RemoteHangUp, (await caller.Ended.WaitAsync(timeout.Token)).Reason);
    }

    [Fact]
    public async Task Decline_with_486_reaches_the_caller_through_Kamailio_as_Busy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        var directory = new InMemoryPreKeyDirectory();
        await using CallClient alice = await StartAsync(kamailio, directory, "alice", timeout.Token);
        await using CallClient bob = await StartAsync(kamailio, directory, "bob", timeout.Token);

        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        Task connect = call.ConnectAsync(timeout.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);
        await ringing.DeclineAsync(486);

        CallException e = await Assert.ThrowsAsync<CallException>(() => connect);
        Assert.Equal(CallEndReason.Busy, e.Reason);
        Assert.Equal(486, e.SipStatus);
    }

    [Fact]
    public async Task Wrong_password_at_Kamailio_fails_StartAsync_as_an_authentication_failure()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        CallClientOptions options = Options(kamailio, "alice");
        options.Password = "not-the-password";
        await using var alice = new CallClient(options, new InMemoryPreKeyDirectory());

        RegistrationException e = await Assert.ThrowsAsync<RegistrationException>(() => alice.StartAsync(timeout.Token));
        Assert.True(e.IsAuthenticationFailure, e.Message);
    }

    [Fact]
    public async Task Stopped_client_is_unregistered_at_Kamailio_so_calling_it_fails_at_once_with_404_Unreachable()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        var directory = new InMemoryPreKeyDirectory();
        await using CallClient alice = await StartAsync(kamailio, directory, "alice", timeout.Token);
        await using CallClient bob = await StartAsync(kamailio, directory, "bob", timeout.Token);
        await bob.StopAsync(timeout.Token);
        Assert.Equal(RegistrationState.Unregistered, bob.RegistrationState);

        // A contact left behind would be forked to (a closed port): Kamailio would answer 408 only after its 10 s
        // fr_timer. Without one, lookup("location") fails and the caller gets 404 straight away.
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync(timeout.Token).WaitAsync(TimeSpan.FromSeconds(8), timeout.Token));

        Assert.True(e.SipStatus == 404, $"{e.Message}\n{kamailio.Log}");
        Assert.Equal(CallEndReason.Unreachable, e.Reason);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.Elapsed}");
    }

    private static async Task<CallClient> StartAsync(KamailioServer kamailio, IPreKeyDirectory directory, string user, CancellationToken ct)
    {
        var client = new CallClient(Options(kamailio, user), directory);
        await client.StartAsync(ct);
        return client;
    }

    private static CallClientOptions Options(KamailioServer kamailio, string user) => new()
    {
        AddressOfRecord = $"sip:{user}@127.0.0.1:{kamailio.Port}",
        Password = KamailioOptions.DefaultUsers[user],
        Realm = KamailioServer.Realm,
        OutboundProxy = kamailio.Uri,
        Registrar = kamailio.Uri,
        LocalAddress = "127.0.0.1",
        RegistrationExpires = TimeSpan.FromSeconds(300),
    };
}

/// <summary>Kamailio tests one at a time: each starts its own server, and the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KamailioGroup
{
    public const string Name = "Kamailio";
}
