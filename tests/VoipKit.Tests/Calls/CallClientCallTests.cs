using VoipKit.Audio;

namespace VoipKit.Tests.Calls;

/// <summary>Two <see cref="CallClient"/>s calling each other through the embedded SIP server over real UDP/TCP on loopback.</summary>
public sealed class CallClientCallTests
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task End_to_end_call_through_the_embedded_server_carries_each_sides_tone_to_the_other(string transport)
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => { o.Transport = transport; o.OutboundProxy = bed.Options("alice", transport).OutboundProxy; });
        CallClient bob = await bed.StartClientAsync("bob", o => { o.Transport = transport; o.OutboundProxy = bed.Options("bob", transport).OutboundProxy; });
        Assert.Equal(RegistrationState.Registered, alice.RegistrationState);
        var aliceHears = new RecordingSink();
        var bobHears = new RecordingSink();

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), aliceHears, new ToneSource(1000), bobHears);
        await Task.WhenAll(bobHears.PlayMoreAsync(96_000), aliceHears.PlayMoreAsync(96_000));

        Assert.Equal(CallState.Active, caller.State);
        Assert.Equal(CallState.Active, callee.State);
        Assert.Equal(CallSecurity.EndToEndUnverified, caller.Security);
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        Assert.NotNull(caller.SafetyNumber);
        Assert.Equal(caller.SafetyNumber, callee.SafetyNumber);
        Assert.Equal(CallPathType.Host, caller.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 430, 450);
        Assert.InRange(AudioCheck.DominantFrequency(aliceHears.Snapshot()), 990, 1010);
        CallStatistics stats = callee.GetStatistics();
        Assert.InRange(stats.PacketsReceived, 80, 300);
        Assert.Equal(0, stats.PacketsRejected);
        Assert.InRange(stats.MosEstimate, 3.5, 4.6);

        await caller.HangUpAsync();
        CallEnd calleeEnd = await callee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallEndReason.RemoteHangUp, calleeEnd.Reason);
        Assert.Equal(CallEndReason.LocalHangUp, (await caller.Ended).Reason);
        Assert.Empty(alice.Calls);
        Assert.Empty(bob.Calls);
    }

    [Fact]
    public async Task MarkVerified_turns_this_call_and_the_next_one_with_the_same_key_EndToEndVerified()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        (Call first, Call firstCallee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        Assert.Equal(CallSecurity.EndToEndUnverified, first.Security);

        first.MarkVerified();
        Assert.Equal(CallSecurity.EndToEndVerified, first.Security);
        Assert.Equal(CallSecurity.EndToEndUnverified, firstCallee.Security); // Bob has not verified Alice
        await first.HangUpAsync();
        await firstCallee.Ended.WaitAsync(TimeSpan.FromSeconds(10));

        (Call second, Call secondCallee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        Assert.Equal(CallSecurity.EndToEndVerified, second.Security);
        Assert.Equal(first.SafetyNumber, second.SafetyNumber);
        await secondCallee.HangUpAsync();
        Assert.Equal(CallEndReason.RemoteHangUp, (await second.Ended.WaitAsync(TimeSpan.FromSeconds(10))).Reason);
    }

    [Theory]
    [InlineData(486, CallEndReason.Busy)]
    [InlineData(603, CallEndReason.Declined)]
    public async Task Callee_that_declines_with_a_status_fails_the_callers_ConnectAsync_with_that_status_and_reason(int status, CallEndReason reason)
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        var states = new List<CallState>();
        call.StateChanged += (_, s) => { lock (states) { states.Add(s); } };
        Task connect = call.ConnectAsync(timeout.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);
        Assert.Equal("alice@voipkit.test", ringing.Caller);
        Assert.Equal(CallSecurity.EndToEndUnverified, ringing.OfferedSecurity);
        await ringing.DeclineAsync(status);

        CallException e = await Assert.ThrowsAsync<CallException>(() => connect);
        Assert.Equal(reason, e.Reason);
        Assert.Equal(status, e.SipStatus);
        Assert.Equal(reason, (await call.Ended).Reason);
        lock (states)
        {
            Assert.Equal([CallState.Ringing, CallState.Ended], states);
        }
    }

    [Fact]
    public async Task Caller_cancelling_while_it_rings_cancels_the_incoming_call_with_reason_Cancelled()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource();
        Call call = alice.CreateCall("sip:bob@voipkit.test", new SilenceSource(), new RecordingSink());
        Task connect = call.ConnectAsync(cancel.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect);
        CallEnd? end = await ringing.Outcome.WaitAsync(timeout.Token);
        Assert.Equal(CallEndReason.Cancelled, end!.Reason);
        Assert.True(ringing.Cancelled.IsCancellationRequested);
        Assert.Equal(CallEndReason.LocalHangUp, (await call.Ended).Reason);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ringing.AcceptAsync(new SilenceSource(), new RecordingSink()));
    }

    [Fact]
    public async Task Calling_a_user_who_published_keys_but_is_offline_fails_with_Unreachable_480()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        await bob.StopAsync(); // un-registers; its prekeys stay in the directory

        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync());
        Assert.Equal(CallEndReason.Unreachable, e.Reason);
        Assert.Equal(480, e.SipStatus);
    }

    [Fact]
    public async Task Calling_a_user_with_no_published_keys_is_refused_as_SecurityRefused_before_any_INVITE()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        long before = bed.Server.Statistics.RequestsForwarded;

        Call call = alice.CreateCall("carol", new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync());
        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Contains("carol@voipkit.test", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, bed.Server.Statistics.RequestsForwarded);
    }

    [Fact]
    public async Task Wrong_password_fails_StartAsync_with_an_authentication_RegistrationException()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice");
        RegistrationException e = await Assert.ThrowsAsync<RegistrationException>(() => bed.StartClientAsync("alice", o => o.Password = "wrong"));
        Assert.True(e.IsAuthenticationFailure, e.Message);
        Assert.Contains("refused the credentials", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unanswered_incoming_call_is_declined_after_the_timeout_and_the_caller_gets_NoAnswer()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob", o => o.IncomingCallTimeout = TimeSpan.FromSeconds(1));
        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());

        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(CallEndReason.NoAnswer, e.Reason);
        Assert.True(bob.IncomingCalls.TryRead(out IncomingCall? ringing));
        Assert.Equal(CallEndReason.NoAnswer, (await ringing.Outcome)!.Reason);
    }

    [Fact]
    public async Task One_client_carries_two_calls_at_once_each_with_its_own_audio()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob", "carol");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        CallClient carol = await bed.StartClientAsync("carol");
        var bobHears = new RecordingSink();
        var carolHears = new RecordingSink();

        (Call toBob, Call bobSide) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(500), new RecordingSink(), new SilenceSource(), bobHears);
        (Call toCarol, Call carolSide) = await CallTestBed.ConnectAsync(alice, carol, new ToneSource(1500), new RecordingSink(), new SilenceSource(), carolHears);
        Assert.Equal(2, alice.Calls.Count);
        await Task.WhenAll(bobHears.PlayMoreAsync(72_000), carolHears.PlayMoreAsync(72_000));

        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 490, 510);
        Assert.InRange(AudioCheck.DominantFrequency(carolHears.Snapshot()), 1490, 1510);
        await toBob.HangUpAsync();
        Assert.Equal(CallState.Active, toCarol.State);
        await carolSide.HangUpAsync();
        await toCarol.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        await bobSide.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(alice.Calls);
    }

    [Fact]
    public async Task Disposing_a_call_inside_its_own_Ended_state_handler_does_not_deadlock()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        var disposedInHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        callee.StateChanged += (sender, state) =>
        {
            if (state == CallState.Ended)
            {
                // Blocking on purpose: the worst an app can do in a handler.
                ((Call)sender!).DisposeAsync().AsTask().GetAwaiter().GetResult();
                disposedInHandler.SetResult();
            }
        };

        await caller.HangUpAsync();
        await disposedInHandler.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallEndReason.RemoteHangUp, (await callee.Ended).Reason);
    }

    [Fact]
    public async Task Statistics_stream_yields_snapshots_until_the_call_ends()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), new RecordingSink());
        var snapshots = new List<CallStatistics>();
        _ = Task.Delay(1600).ContinueWith(_ => caller.HangUpAsync(), TaskScheduler.Default);

        await foreach (CallStatistics s in callee.GetStatisticsUpdatesAsync(TimeSpan.FromMilliseconds(500)).WithCancellation(new CancellationTokenSource(10_000).Token))
        {
            snapshots.Add(s);
        }

        Assert.InRange(snapshots.Count, 2, 4);
        Assert.True(snapshots[^1].PacketsReceived > snapshots[0].PacketsReceived);
        Assert.All(snapshots, s => Assert.Equal(CallSecurity.EndToEndUnverified, s.Security));
        Assert.Equal(CallPathType.Host, snapshots[^1].Path!.Type);
    }

    [Fact]
    public async Task Push_parameters_from_the_options_reach_the_registrar_in_the_contact()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice");
        await bed.StartClientAsync("alice", o => { o.PushProvider = "fcm"; o.PushToken = "device-token-1"; o.PushParameter = "proj"; });

        Signaling.Messages.SipUri binding = Assert.Single(bed.Server.GetBindings("alice"));
        Assert.Equal("fcm", binding.GetParameter("pn-provider"));
        Assert.Equal("device-token-1", binding.GetParameter("pn-prid"));
        Assert.Equal("proj", binding.GetParameter("pn-param"));
    }
}
