using VoipKit.Audio;
using Xunit.Abstractions;

namespace VoipKit.Tests.Calls;

/// <summary>Whole CallClient calls in virtual time over simulated SIP and media networks: deterministic, seconds of call in milliseconds.</summary>
public sealed class CallClientVirtualTimeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task End_to_end_call_in_virtual_time_connects_over_the_host_pair_and_carries_the_tone()
    {
        await using var net = new VirtualCallNetwork();
        CallClient alice = await net.StartClientAsync("alice", "192.0.2.1", "192.0.2.11");
        CallClient bob = await net.StartClientAsync("bob", "192.0.2.2", "192.0.2.21");
        var bobHears = new RecordingSink();

        (Call caller, Call callee, TimeSpan setup) = await ConnectAsync(net, alice, bob, new ToneSource(440), bobHears);
        await net.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(CallState.Active, caller.State);
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        Assert.Equal(CallPathType.Host, caller.Path!.Type);
        Assert.Equal("192.0.2.21", caller.Path.RemoteEndPoint.Address.ToString());
        output.WriteLine($"ConnectAsync to Active in {setup.TotalMilliseconds:F0} ms of virtual time (10 ms one-way latency)");
        Assert.InRange(setup, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot()), 430, 450);
        CallStatistics stats = callee.GetStatistics();
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0, stats.PacketsRejected);
        Assert.True(stats.ConcealmentRatio < 0.01, $"concealed {stats.ConcealmentRatio:P2}");

        Task hangUp = caller.HangUpAsync();
        await net.RunAsync(hangUp, TimeSpan.FromSeconds(5));
        Assert.Equal(CallEndReason.RemoteHangUp, (await net.RunAsync(callee.Ended, TimeSpan.FromSeconds(5))).Reason);
    }

    [Fact]
    public async Task Cut_media_path_mid_call_makes_the_caller_restart_ICE_over_a_reINVITE_and_audio_resumes_on_the_other_address()
    {
        await using var net = new VirtualCallNetwork();
        CallClient alice = await net.StartClientAsync("alice", "192.0.2.1", "192.0.2.11", "192.0.2.12");
        CallClient bob = await net.StartClientAsync("bob", "192.0.2.2", "198.51.100.21");
        var bobHears = new RecordingSink();
        (Call caller, Call callee, _) = await ConnectAsync(net, alice, bob, new ToneSource(440), bobHears);
        var states = new List<CallState>();
        caller.StateChanged += (_, s) => { lock (states) { states.Add(s); } };
        await net.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal("192.0.2.11", caller.Path!.LocalEndPoint.Address.ToString());
        int invitesBefore = net.Sip.Requests("INVITE").Count();

        net.Media.Cut("192.0.2.11", "198.51.100.21");
        DateTimeOffset cutAt = net.Time.GetUtcNow();
        int heardAtCut = bobHears.Count;
        await net.AdvanceAsync(TimeSpan.FromSeconds(30), () => caller.Path?.LocalEndPoint.Address.ToString() == "192.0.2.12" && caller.State == CallState.Active);
        TimeSpan recovered = net.Time.GetUtcNow() - cutAt;
        output.WriteLine($"path cut at {cutAt:HH:mm:ss.fff}, new pair nominated and call Active again {recovered.TotalSeconds:F2} s later");
        await net.AdvanceAsync(TimeSpan.FromSeconds(2));

        CallStatistics bobStats = callee.GetStatistics();
        output.WriteLine($"bob: path {callee.Path}, received {bobStats.PacketsReceived}, lost {bobStats.PacketsLost}, rejected {bobStats.PacketsRejected}, concealed {bobStats.ConcealmentRatio:P1}; alice: path {caller.Path}, sent {caller.GetStatistics().PacketsSent}, send failures {caller.GetStatistics().SendFailures}");
        Assert.Equal(CallState.Active, caller.State);
        Assert.Equal(CallState.Active, callee.State);
        Assert.Equal("192.0.2.12", caller.Path!.LocalEndPoint.Address.ToString());
        Assert.True(net.Sip.Requests("INVITE").Count() > invitesBefore, "no re-INVITE for the ICE restart");
        lock (states)
        {
            Assert.Equal([CallState.Connecting, CallState.Active], states);
        }

        Assert.InRange(recovered, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)); // 1.5 s of silence, the re-INVITE, then checks and nomination
        Assert.True(bobHears.Count > heardAtCut, "Bob's playout stopped");
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 1.0), 430, 450);
        Assert.False(caller.Ended.IsCompleted);
    }

    private static async Task<(Call Caller, Call Callee, TimeSpan Setup)> ConnectAsync(VirtualCallNetwork net, CallClient caller, CallClient callee, IAudioSource callerSource, IAudioSink calleeSink)
    {
        DateTimeOffset start = net.Time.GetUtcNow();
        Call outgoing = caller.CreateCall(callee.AddressOfRecord, callerSource, new RecordingSink());
        Task connect = outgoing.ConnectAsync();
        IncomingCall ringing = await net.RunAsync(callee.IncomingCalls.ReadAsync().AsTask(), TimeSpan.FromSeconds(5));
        Task<Call> accept = ringing.AcceptAsync(new SilenceSource(), calleeSink);
        await net.RunAsync(connect, TimeSpan.FromSeconds(10));
        Call incoming = await net.RunAsync(accept, TimeSpan.FromSeconds(10));
        return (outgoing, incoming, net.Time.GetUtcNow() - start);
    }
}
