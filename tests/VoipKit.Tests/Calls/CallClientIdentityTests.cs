using VoipKit.Audio;

namespace VoipKit.Tests.Calls;

/// <summary>Trust on first use: a caller whose identity key changed (a reinstall, or someone in the middle) is refused unless the app accepts the new key.</summary>
public sealed class CallClientIdentityTests
{
    [Fact]
    public async Task Changed_identity_key_of_a_caller_is_refused_by_default_and_the_caller_gets_SecurityRefused()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        await CallOnceAsync(bed, bob);

        // Alice reinstalls: a new identity key, the same account.
        CallClient newAlice = await bed.StartClientAsync("alice");
        Call call = newAlice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Equal(488, e.SipStatus);
        Assert.False(bob.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task IdentityKeyChanged_handler_sees_the_change_and_refusing_it_refuses_the_call()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        string oldSafety = await CallOnceAsync(bed, bob, verify: true);
        var changes = new List<IdentityKeyChange>();
        bob.IdentityKeyChanged = (change, _) => { lock (changes) { changes.Add(change); } return ValueTask.FromResult(false); };

        CallClient newAlice = await bed.StartClientAsync("alice");
        Call call = newAlice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        IdentityKeyChange seen = Assert.Single(changes);
        Assert.Equal("alice@voipkit.test", seen.RemoteParty);
        Assert.True(seen.WasVerified);
        Assert.NotEqual(oldSafety, seen.NewSafetyNumber);
    }

    [Fact]
    public async Task Accepting_a_changed_identity_key_lets_the_call_through_unverified_with_a_new_safety_number()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        string oldSafety = await CallOnceAsync(bed, bob, verify: true);
        bob.IdentityKeyChanged = (_, _) => ValueTask.FromResult(true);

        CallClient newAlice = await bed.StartClientAsync("alice");
        var bobHears = new RecordingSink();
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(newAlice, bob, new ToneSource(600), new RecordingSink(), new SilenceSource(), bobHears);
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        Assert.NotEqual(oldSafety, callee.SafetyNumber);
        Assert.Equal(caller.SafetyNumber, callee.SafetyNumber);
        await bobHears.PlayMoreAsync(48_000);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 590, 610);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Signal_store_folder_keeps_the_identity_and_session_across_a_restart_so_the_safety_number_stays_and_no_prompt_comes()
    {
        string store = Directory.CreateTempSubdirectory("voipkit-store-").FullName;
        try
        {
            await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
            CallClient bob = await bed.StartClientAsync("bob");
            bool prompted = false;
            bob.IdentityKeyChanged = (_, _) => { prompted = true; return ValueTask.FromResult(false); };
            CallClient alice = await bed.StartClientAsync("alice", o => o.SignalStorePath = store);
            ReadOnlyMemory<byte> identity = alice.IdentityKey;
            (Call first, Call firstCallee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
            string safety = first.SafetyNumber!;
            await first.HangUpAsync();
            await firstCallee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
            await alice.DisposeAsync();

            CallClient restarted = await bed.StartClientAsync("alice", o => o.SignalStorePath = store);
            Assert.True(identity.Span.SequenceEqual(restarted.IdentityKey.Span));
            (Call second, Call secondCallee) = await CallTestBed.ConnectAsync(restarted, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
            Assert.Equal(safety, second.SafetyNumber);
            Assert.Equal(safety, secondCallee.SafetyNumber);
            Assert.False(prompted);
            await second.HangUpAsync();
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Calling_a_callee_that_reinstalled_drops_the_stale_session_and_asks_IdentityKeyChanged_then_connects_when_accepted()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient oldBob = await bed.StartClientAsync("bob");
        (Call first, Call firstCallee) = await CallTestBed.ConnectAsync(alice, oldBob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        string oldSafety = first.SafetyNumber!;
        await first.HangUpAsync();
        await firstCallee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        await oldBob.StopAsync();
        var changes = new List<IdentityKeyChange>();
        alice.IdentityKeyChanged = (change, _) => { lock (changes) { changes.Add(change); } return ValueTask.FromResult(true); };

        // Bob reinstalls: a new identity, and no memory of Alice's session.
        CallClient newBob = await bed.StartClientAsync("bob");
        var bobHears = new RecordingSink();
        (Call second, Call secondCallee) = await CallTestBed.ConnectAsync(alice, newBob, new ToneSource(440), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(48_000);

        IdentityKeyChange change = Assert.Single(changes);
        Assert.Equal("bob@voipkit.test", change.RemoteParty);
        Assert.NotEqual(oldSafety, second.SafetyNumber);
        Assert.Equal(second.SafetyNumber, secondCallee.SafetyNumber);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        await second.HangUpAsync();
    }

    [Fact]
    public async Task Calling_a_callee_that_reinstalled_is_refused_as_SecurityRefused_when_no_handler_accepts_the_new_key()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient oldBob = await bed.StartClientAsync("bob");
        (Call first, Call firstCallee) = await CallTestBed.ConnectAsync(alice, oldBob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        await first.HangUpAsync();
        await firstCallee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        await oldBob.StopAsync();
        CallClient newBob = await bed.StartClientAsync("bob");

        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Contains("identity key of bob@voipkit.test changed", e.Message, StringComparison.Ordinal);
        Assert.False(newBob.IncomingCalls.TryRead(out _));
    }

    // A first call from a first Alice, whose client then stops for good; returns Bob's safety number with her.
    private static async Task<string> CallOnceAsync(CallTestBed bed, CallClient bob, bool verify = false)
    {
        CallClient alice = await bed.StartClientAsync("alice");
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        if (verify)
        {
            callee.MarkVerified();
        }

        string safety = callee.SafetyNumber!;
        await caller.HangUpAsync();
        await callee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        await alice.StopAsync();
        return safety;
    }
}
