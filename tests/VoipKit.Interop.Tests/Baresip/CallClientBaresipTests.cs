using VoipKit.Audio;
using VoipKit.Media.Session;
using VoipKit.Tests.Calls;
using Xunit.Abstractions;

namespace VoipKit.Interop.Tests.Baresip;

/// <summary>
/// A standard SIP phone, baresip 1.0.0 (SDES-SRTP mandatory, opus/48000/2 only, no ICE, rtcp-mux, auto-answer), and
/// CallClients registered at VoipKit's embedded SIP server call each other. Interop is checked on content: each side's
/// tone must be the dominant frequency of what the other side decoded (baresip's sndfile dump, the CallClient's sink).
/// </summary>
[Collection(BaresipGroup.Name)]
public sealed class CallClientBaresipTests(ITestOutputHelper output)
{
    private const double PhoneTone = 700;
    private const double ClientTone = 1000;
    private static readonly TimeSpan TestTime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Baresip_calling_a_hop_by_hop_CallClient_gets_an_SDES_SRTP_call_carrying_each_sides_tone_and_sees_the_CallClients_hang_up()
    {
        using var timeout = new CancellationTokenSource(TestTime);
        await using BaresipTestBed bed = await BaresipTestBed.StartAsync(output, "alice", "carol");
        CallClient alice = await bed.StartClientAsync("alice", timeout.Token, o => o.MediaSecurity = MediaSecurityPolicy.AllowHopByHop);
        BaresipPhone carol = await bed.StartPhoneAsync("carol", PhoneTone, timeout.Token);

        await carol.DialAsync($"sip:{alice.AddressOfRecord}");
        IncomingCall ringing = await alice.IncomingCalls.ReadAsync(timeout.Token);
        Assert.Equal(CallSecurity.HopByHop, ringing.OfferedSecurity);
        Assert.Equal(carol.AddressOfRecord, ringing.Caller);
        Assert.Null(ringing.SafetyNumber);
        var aliceHears = new RecordingSink();
        await using Call call = await ringing.AcceptAsync(new ToneSource(ClientTone), aliceHears, timeout.Token);
        await carol.WaitForEventAsync("CALL_ESTABLISHED", Step);

        CallStatistics stats = await PlayAndMeasureAsync(call, aliceHears);
        Assert.Equal(CallSecurity.HopByHop, call.Security);
        AssertCleanMedia(stats);
        AssertDominant(aliceHears.Snapshot(), PhoneTone, "what the CallClient played (baresip's tone)");

        await call.HangUpAsync(timeout.Token);
        Assert.Equal(CallEndReason.LocalHangUp, (await call.Ended.WaitAsync(Step, timeout.Token)).Reason);
        BaresipEvent closed = await carol.WaitForEventAsync("CALL_CLOSED", Step);
        Assert.Equal("Connection reset by peer", closed.Param); // baresip's words for the peer's BYE (its own hangup: "... by user")
        short[] carolDecoded = await carol.ReadDecodedAsync(minimumSamples: 2 * AudioFormat.SampleRate, Step);
        AssertDominant(carolDecoded, ClientTone, "baresip's decoded dump");
    }

    [Fact]
    public async Task Hop_by_hop_CallClient_calling_baresip_gets_an_auto_answered_SDES_SRTP_call_carrying_each_sides_tone_and_sees_baresips_hang_up()
    {
        using var timeout = new CancellationTokenSource(TestTime);
        await using BaresipTestBed bed = await BaresipTestBed.StartAsync(output, "alice", "carol");
        CallClient alice = await bed.StartClientAsync("alice", timeout.Token, o => o.MediaSecurity = MediaSecurityPolicy.AllowHopByHop);
        BaresipPhone carol = await bed.StartPhoneAsync("carol", PhoneTone, timeout.Token);
        var aliceHears = new RecordingSink();

        await using Call call = alice.CreateCall(carol.AddressOfRecord, new ToneSource(ClientTone), aliceHears);
        await call.ConnectAsync(timeout.Token);
        await carol.WaitForEventAsync("CALL_ESTABLISHED", Step);

        CallStatistics stats = await PlayAndMeasureAsync(call, aliceHears);
        Assert.Equal(CallSecurity.HopByHop, call.Security);
        Assert.Equal(CallPathType.Signalled, call.Path?.Type);
        AssertCleanMedia(stats);
        AssertDominant(aliceHears.Snapshot(), PhoneTone, "what the CallClient played (baresip's tone)");

        await carol.HangUpAsync();
        CallEnd end = await call.Ended.WaitAsync(Step, timeout.Token);
        Assert.Equal(CallEndReason.RemoteHangUp, end.Reason);
        await carol.WaitForEventAsync("CALL_CLOSED", Step);
        short[] carolDecoded = await carol.ReadDecodedAsync(minimumSamples: 2 * AudioFormat.SampleRate, Step);
        AssertDominant(carolDecoded, ClientTone, "baresip's decoded dump");
    }

    [Fact]
    public async Task Baresip_calling_a_CallClient_with_the_default_end_to_end_only_policy_gets_488_and_the_app_is_never_offered_the_call()
    {
        using var timeout = new CancellationTokenSource(TestTime);
        await using BaresipTestBed bed = await BaresipTestBed.StartAsync(output, "alice", "carol");
        CallClient alice = await bed.StartClientAsync("alice", timeout.Token);
        Assert.Equal(MediaSecurityPolicy.EndToEndOnly, alice.Options.MediaSecurity);
        BaresipPhone carol = await bed.StartPhoneAsync("carol", PhoneTone, timeout.Token);

        await carol.DialAsync($"sip:{alice.AddressOfRecord}");
        BaresipEvent closed = await carol.WaitForEventAsync("CALL_CLOSED", Step);

        Assert.Contains("488", closed.Param ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(carol.Events, e => e.Type == "CALL_ESTABLISHED");
        Assert.False(alice.IncomingCalls.TryRead(out IncomingCall? offered), $"the app was offered {offered}");
        Assert.Empty(alice.Calls);
    }

    [Fact]
    public async Task CallClient_with_the_default_end_to_end_only_policy_refuses_to_call_baresip_with_SecurityRefused_naming_it_before_any_INVITE()
    {
        using var timeout = new CancellationTokenSource(TestTime);
        await using BaresipTestBed bed = await BaresipTestBed.StartAsync(output, "alice", "carol");
        CallClient alice = await bed.StartClientAsync("alice", timeout.Token);
        BaresipPhone carol = await bed.StartPhoneAsync("carol", PhoneTone, timeout.Token);

        await using Call call = alice.CreateCall(carol.AddressOfRecord, new ToneSource(ClientTone), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync(timeout.Token));

        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Null(e.SipStatus);
        Assert.Contains(carol.AddressOfRecord, e.Message, StringComparison.Ordinal);
        Assert.Equal(CallEndReason.SecurityRefused, (await call.Ended.WaitAsync(Step, timeout.Token)).Reason);
        Assert.Equal(0, bed.Server.Statistics.ForwardedRequests("INVITE"));
        Assert.DoesNotContain(carol.Events, ev => ev.Type is "CALL_INCOMING" or "CALL_ESTABLISHED");
    }

    // About 3 s of the peer's audio played; the statistics then, with the concealment of everything after the first second.
    private static async Task<CallStatistics> PlayAndMeasureAsync(Call call, RecordingSink heard)
    {
        await heard.PlayMoreAsync(AudioFormat.SampleRate, Step);
        InboundRtpStatistics? first = call.GetStatistics().Media?.InboundRtp;
        await heard.PlayMoreAsync(2 * AudioFormat.SampleRate, Step);
        CallStatistics stats = call.GetStatistics();
        InboundRtpStatistics? now = stats.Media?.InboundRtp;
        Assert.True(first is not null && now is not null, $"no inbound RTP statistics: {stats}");
        long played = now.TotalSamplesReceived - first.TotalSamplesReceived;
        long concealed = now.ConcealedSamples - first.ConcealedSamples;
        Assert.True(played > AudioFormat.SampleRate, $"only {played} samples received after the first second: {stats}");
        double ratio = (double)concealed / played;
        Assert.True(ratio < 0.10, $"{ratio:P1} of the audio after the first second was concealed ({concealed} of {played} samples): {stats}");
        return stats;
    }

    private static void AssertCleanMedia(CallStatistics stats)
    {
        Assert.True(stats.PacketsReceived > 100, $"{stats.PacketsReceived} packets from baresip: {stats}");
        Assert.True(stats.PacketsSent > 100, $"{stats.PacketsSent} packets to baresip: {stats}");
        Assert.True(stats.PacketsRejected == 0, $"{stats.PacketsRejected} packets from baresip rejected: {stats}");
        Assert.Equal(0, stats.SendFailures);
    }

    private static void AssertDominant(short[] samples, double expected, string what)
    {
        Assert.True(samples.Length >= AudioFormat.SampleRate, $"{what}: only {samples.Length} samples");
        double dominant = AudioCheck.DominantFrequency(samples, seconds: 1.0);
        double rms = AudioCheck.Rms(samples, seconds: 1.0);
        Assert.True(Math.Abs(dominant - expected) <= 10 && rms > 0.05, $"{what}: dominant {dominant} Hz at RMS {rms:F3} in the last second, expected {expected} Hz");
    }
}

/// <summary>baresip tests one at a time and alone: each runs a real phone and checks audio timing on a two-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BaresipGroup
{
    public const string Name = "Baresip";
}
