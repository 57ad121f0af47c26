using VoipKit.Audio;

namespace VoipKit.Tests.Calls;

/// <summary>Every way a call can fail reaches the app as a <see cref="CallException"/> with a reason, and leaves nothing running.</summary>
public sealed class CallClientFailureTests
{
    [Fact]
    public async Task Hanging_up_while_it_rings_fails_ConnectAsync_with_LocalHangUp_and_cancels_the_callee()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        Task connect = call.ConnectAsync(timeout.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);

        await call.HangUpAsync(timeout.Token);
        CallException e = await Assert.ThrowsAsync<CallException>(() => connect);
        Assert.Equal(CallEndReason.LocalHangUp, e.Reason);
        Assert.Equal(CallEndReason.Cancelled, (await ringing.Outcome.WaitAsync(timeout.Token))!.Reason);
    }

    [Fact]
    public async Task An_audio_source_that_fails_to_start_ends_the_call_with_a_CallException_and_the_peer_sees_the_hang_up()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Call call = alice.CreateCall("bob", new FailingSource(), new RecordingSink());
        Task connect = call.ConnectAsync(timeout.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);
        Call callee = await ringing.AcceptAsync(new SilenceSource(), new RecordingSink(), timeout.Token);

        CallException e = await Assert.ThrowsAsync<CallException>(() => connect);
        Assert.Equal(CallEndReason.Failed, e.Reason);
        Assert.Contains("audio source or sink failed to start", e.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(e.InnerException);
        Assert.Equal(CallState.Ended, call.State);
        Assert.Equal(CallEndReason.RemoteHangUp, (await callee.Ended.WaitAsync(timeout.Token)).Reason);
        Assert.Empty(alice.Calls);
    }

    [Theory]
    [InlineData("a@b@c")]
    [InlineData("bo<b")]
    [InlineData("sip:")]
    public async Task CreateCall_refuses_a_target_that_is_not_a_SIP_address_with_a_user(string target)
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice");
        CallClient alice = await bed.StartClientAsync("alice");
        Assert.Throws<ArgumentException>(() => alice.CreateCall(target, new SilenceSource(), new RecordingSink()));
        Assert.Empty(alice.Calls);
    }

    [Fact]
    public async Task After_the_end_DTMF_throws_InvalidOperationException_and_the_duration_stops_growing()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        await Task.Delay(300);
        await caller.HangUpAsync();

        TimeSpan duration = caller.GetStatistics().Duration;
        Assert.True(duration > TimeSpan.Zero);
        await Task.Delay(300);
        Assert.Equal(duration, caller.GetStatistics().Duration);
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => caller.SendDtmfAsync("1"));
        Assert.Contains("ended", e.Message, StringComparison.Ordinal);
        await callee.Ended.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class FailingSource : IAudioSource
    {
        public bool IsRealTime => false;

        public ValueTask StartAsync(CancellationToken cancellationToken = default) => throw new IOException("the microphone is gone");

        public ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public ValueTask StopAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
