using System.Diagnostics;
using VoipKit.Audio;
using VoipKit.Tests.Calls;
using VoipKit.Transport.Tests.Interop;

namespace VoipKit.Interop.Tests.Relay;

/// <summary>
/// A TurnCredentialProvider is app code calling the app's backend; when it throws (backend down), the call must fail
/// like any other call that could not get a relay: a <see cref="CallException"/>, the call ended and released, and the
/// peer told at once. These fail today (see the report): the provider's exception escapes raw and the call is left behind.
/// </summary>
public sealed class TurnCredentialProviderFailureTests
{
    [Fact]
    public async Task Relay_only_caller_whose_TurnCredentialProvider_throws_gets_a_NetworkLost_CallException_and_the_call_ends()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice", o => UseThrowingProvider(o, coturn));
        CallClient bob = await bed.StartClientAsync("bob");

        Call call = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        Exception? e = await Record.ExceptionAsync(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        CallException failure = Assert.IsType<CallException>(e);
        Assert.Equal(CallEndReason.NetworkLost, failure.Reason);
        Assert.True(call.Ended.IsCompleted, $"call left in state {call.State}");
        Assert.Empty(alice.Calls);
        Assert.False(bob.IncomingCalls.TryRead(out _), "the callee must not ring: the call fails before any INVITE");
    }

    [Fact]
    public async Task Relay_only_callee_whose_TurnCredentialProvider_throws_fails_AcceptAsync_with_a_CallException_and_the_caller_is_refused_within_5_s()
    {
        await using CoturnServer coturn = await CoturnServer.StartAsync();
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob", o => UseThrowingProvider(o, coturn));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Call outgoing = alice.CreateCall("bob", new SilenceSource(), new RecordingSink());
        Task connect = outgoing.ConnectAsync(timeout.Token);
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(timeout.Token);
        Exception? accept = await Record.ExceptionAsync(() => ringing.AcceptAsync(new SilenceSource(), new RecordingSink(), timeout.Token));
        var refused = Stopwatch.StartNew();
        Exception? caller = await Record.ExceptionAsync(() => connect.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.IsType<CallException>(accept);
        Assert.Empty(bob.Calls);
        Assert.True(caller is CallException, $"after {refused.Elapsed}: the caller got {caller?.GetType().Name ?? "nothing"} instead of a prompt final response");
    }

    private static void UseThrowingProvider(CallClientOptions options, CoturnServer coturn)
    {
        options.IceServers.Add(new IceServer { Url = $"turn:127.0.0.1:{coturn.EndPoint.Port}?transport=udp" });
        options.IceTransportPolicy = IceTransportPolicy.Relay;
        options.TurnCredentialProvider = (_, _) => throw new HttpRequestException("the app's TURN credential backend is down");
    }
}
