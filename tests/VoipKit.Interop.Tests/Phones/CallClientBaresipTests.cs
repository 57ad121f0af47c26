using VoipKit.Audio;
using VoipKit.Tests.Calls;

namespace VoipKit.Interop.Tests.Phones;

/// <summary>
/// A standard SIP phone (baresip) and a CallClient call each other directly with SDES-SRTP and Opus; the audio is
/// checked in both directions on its content (each side's tone frequency in what the other decoded).
/// </summary>
[Collection(BaresipGroup.Name)]
public sealed class CallClientBaresipTests
{
    [Fact]
    public async Task Baresip_calls_a_client_that_allows_hop_by_hop_and_each_side_decodes_the_others_tone()
    {
        await using CallClient client = await StartClientAsync(MediaSecurityPolicy.AllowHopByHop);
        using BaresipPhone phone = BaresipPhone.Start(toneHz: 600, dial: $"sip:me@127.0.0.1:{client.SipEndPoint!.Port}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        IncomingCall ringing = await client.IncomingCalls.ReadAsync(timeout.Token);
        Assert.Equal(CallSecurity.HopByHop, ringing.OfferedSecurity);
        var heard = new RecordingSink();
        Call call = await ringing.AcceptAsync(new ToneSource(1000), heard, timeout.Token);
        await heard.PlayMoreAsync(48_000 * 3);

        Assert.Equal(CallSecurity.HopByHop, call.Security);
        Assert.Equal(CallPathType.Signalled, call.Path!.Type);
        Assert.InRange(AudioCheck.DominantFrequency(heard.Snapshot()), 590, 610);
        CallStatistics stats = call.GetStatistics();
        Assert.Equal(0, stats.PacketsRejected);
        Assert.True(stats.PacketsReceived > 100, stats.ToString());
        await call.HangUpAsync(timeout.Token);

        (short[] decoded, int rate) = phone.ReadDecoded();
        Assert.True(decoded.Length > rate * 2, $"baresip decoded {decoded.Length} samples\n{phone.Log}");
        Assert.InRange(AudioCheck.DominantFrequency(decoded, 1.0, rate), 990, 1010);
    }

    [Fact]
    public async Task Client_that_allows_hop_by_hop_calls_baresip_and_each_side_decodes_the_others_tone()
    {
        await using CallClient client = await StartClientAsync(MediaSecurityPolicy.AllowHopByHop);
        using BaresipPhone phone = BaresipPhone.Start(toneHz: 800);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Task.Delay(500, timeout.Token); // baresip binds its SIP port

        var heard = new RecordingSink();
        Call call = client.CreateCall(phone.Uri, new ToneSource(1200), heard);
        await call.ConnectAsync(timeout.Token);
        await heard.PlayMoreAsync(48_000 * 3);

        Assert.Equal(CallSecurity.HopByHop, call.Security);
        Assert.Null(call.SafetyNumber);
        Assert.InRange(AudioCheck.DominantFrequency(heard.Snapshot()), 790, 810);
        Assert.Equal(0, call.GetStatistics().PacketsRejected);
        await call.HangUpAsync(timeout.Token);

        (short[] decoded, int rate) = phone.ReadDecoded();
        Assert.True(decoded.Length > rate * 2, $"baresip decoded {decoded.Length} samples\n{phone.Log}");
        Assert.InRange(AudioCheck.DominantFrequency(decoded, 1.0, rate), 1190, 1210);
    }

    [Fact]
    public async Task With_the_default_end_to_end_policy_a_call_from_baresip_is_refused_and_never_reaches_the_app()
    {
        await using CallClient client = await StartClientAsync(MediaSecurityPolicy.EndToEndOnly);
        using BaresipPhone phone = BaresipPhone.Start(toneHz: 600, dial: $"sip:me@127.0.0.1:{client.SipEndPoint!.Port}");

        await phone.WaitForLogAsync("488", TimeSpan.FromSeconds(15));
        Assert.False(client.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task With_the_default_end_to_end_policy_calling_baresip_fails_as_SecurityRefused_naming_the_callee()
    {
        await using CallClient client = await StartClientAsync(MediaSecurityPolicy.EndToEndOnly);
        using BaresipPhone phone = BaresipPhone.Start(toneHz: 600);

        Call call = client.CreateCall(phone.Uri, new SilenceSource(), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Contains($"phone@127.0.0.1:{phone.Port}", e.Message, StringComparison.Ordinal);
    }

    private static async Task<CallClient> StartClientAsync(MediaSecurityPolicy security)
    {
        var client = new CallClient(
            new CallClientOptions { AddressOfRecord = "sip:me@127.0.0.1", LocalAddress = "127.0.0.1", Register = false, MediaSecurity = security },
            new InMemoryPreKeyDirectory());
        await client.StartAsync();
        return client;
    }
}

/// <summary>baresip tests one at a time (each runs its own phone with real-time audio on a two-core machine).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BaresipGroup
{
    public const string Name = "Baresip";
}
