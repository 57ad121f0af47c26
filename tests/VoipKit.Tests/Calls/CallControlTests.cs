using VoipKit.Audio;

namespace VoipKit.Tests.Calls;

/// <summary>Hold and resume, mute, DTMF both ways and swapping audio in an active call between two clients.</summary>
public sealed class CallControlTests
{
    [Fact]
    public async Task Hold_silences_both_directions_and_resume_brings_the_tones_back()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        var aliceHears = new RecordingSink();
        var bobHears = new RecordingSink();
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), aliceHears, new ToneSource(1000), bobHears);
        await bobHears.PlayMoreAsync(48_000);
        Assert.True(AudioCheck.Rms(bobHears.Snapshot(), 0.5) > 0.1);

        await caller.HoldAsync();
        Assert.True(caller.IsOnHold);
        await WaitUntilAsync(() => callee.IsRemoteOnHold);
        await Task.WhenAll(bobHears.PlayMoreAsync(48_000), aliceHears.PlayMoreAsync(48_000));
        Assert.True(AudioCheck.Rms(bobHears.Snapshot(), 0.5) < 0.01, "Bob hears Alice while she holds the call");
        Assert.True(AudioCheck.Rms(aliceHears.Snapshot(), 0.5) < 0.01, "Alice hears Bob while she holds the call");
        Assert.Equal(CallState.Active, caller.State);

        await caller.ResumeAsync();
        Assert.False(caller.IsOnHold);
        await WaitUntilAsync(() => !callee.IsRemoteOnHold);
        await Task.WhenAll(bobHears.PlayMoreAsync(48_000), aliceHears.PlayMoreAsync(48_000));
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        Assert.InRange(AudioCheck.DominantFrequency(aliceHears.Snapshot(), 0.5), 990, 1010);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Mute_sends_silence_that_keeps_the_stream_alive_and_unmute_restores_the_voice()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        var bobHears = new RecordingSink();
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new ToneSource(440), new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(38_400);

        caller.IsMuted = true;
        long before = callee.GetStatistics().PacketsReceived;
        await bobHears.PlayMoreAsync(48_000);
        Assert.True(AudioCheck.Rms(bobHears.Snapshot(), 0.5) < 0.01, "Bob hears a muted Alice");
        Assert.True(callee.GetStatistics().PacketsReceived - before > 30, "no packets while muted");

        caller.IsMuted = false;
        await bobHears.PlayMoreAsync(38_400);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Dtmf_digits_sent_by_each_side_arrive_at_the_other_in_order()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new SilenceSource(), new RecordingSink(), new SilenceSource(), new RecordingSink());
        var atBob = new List<char>();
        var atAlice = new List<char>();
        callee.DtmfReceived += (_, e) => { lock (atBob) { atBob.Add(e.Digit); } };
        caller.DtmfReceived += (_, e) => { lock (atAlice) { atAlice.Add(e.Digit); } };

        await caller.SendDtmfAsync("123#");
        await callee.SendDtmfAsync("9*A");
        await WaitUntilAsync(() => { lock (atBob) { lock (atAlice) { return atBob.Count >= 4 && atAlice.Count >= 3; } } });
        await Task.Delay(300);
        lock (atBob)
        {
            Assert.Equal("123#", new string([.. atBob]));
        }

        lock (atAlice)
        {
            Assert.Equal("9*A", new string([.. atAlice]));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => caller.SendDtmfAsync("12x"));
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task SetAudioAsync_swaps_source_and_sink_mid_call()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        var bobHears = new RecordingSink();
        var first = new ToneSource(440);
        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, first, new RecordingSink(), new SilenceSource(), bobHears);
        await bobHears.PlayMoreAsync(38_400);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 430, 450);

        var newSink = new RecordingSink();
        await caller.SetAudioAsync(new ToneSource(1200), newSink);
        await bobHears.PlayMoreAsync(38_400);
        Assert.InRange(AudioCheck.DominantFrequency(bobHears.Snapshot(), 0.5), 1190, 1210);
        Assert.True(newSink.Started);
        Assert.True(newSink.Count > 24_000, "the new sink plays nothing");
        await caller.HangUpAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
