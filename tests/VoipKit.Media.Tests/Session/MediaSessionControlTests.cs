using VoipKit.Audio;
using VoipKit.Media.Session;

namespace VoipKit.Media.Tests.Session;

public class MediaSessionControlTests
{
    [Fact]
    public async Task IsSending_false_stops_rtp_but_not_rtcp_and_resuming_continues_the_sequence_after_one_timestamp_gap()
    {
        var sourceA = new ToneSource(440);
        await using var call = new SessionPair(sourceA, new ToneSource(660));
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        call.A.IsSending = false;
        int rtpBefore = call.FromA.Rtp.Count(), rtcpBefore = call.FromA.Packets.Count(p => p.IsRtcp);
        TappedPacket lastBefore = call.FromA.Rtp.Last();
        long readBefore = sourceA.Position;
        call.Run(TimeSpan.FromSeconds(3));

        Assert.False(call.A.IsSending);
        Assert.Equal(rtpBefore, call.FromA.Rtp.Count());
        Assert.True(call.FromA.Packets.Count(p => p.IsRtcp) - rtcpBefore >= 3, "RTCP reports (1 s) and feedback went on");
        Assert.InRange(sourceA.Position - readBefore, 3 * 48_000 - 960, 3 * 48_000 + 960); // read at its pace all along

        call.A.IsSending = true;
        call.Run(TimeSpan.FromSeconds(1));
        TappedPacket[] after = [.. call.FromA.Rtp.Skip(rtpBefore)];
        Assert.InRange(after.Length, 49, 51);
        Assert.Equal((ushort)(lastBefore.Sequence + 1), after[0].Sequence);
        Assert.True(after[0].Marker, "the first packet after the hold carries the marker bit");
        Assert.InRange((long)(after[0].Timestamp - lastBefore.Timestamp), 3 * 48_000, (3 * 48_000) + (2 * 960)); // the media clock ran on: one gap
        Assert.All(after.Zip(after.Skip(1)), p => Assert.Equal(960u, p.Second.Timestamp - p.First.Timestamp));
        Assert.All(after.Zip(after.Skip(1)), p => Assert.Equal((ushort)(p.First.Sequence + 1), p.Second.Sequence));
        MediaSessionStatistics b = call.B.GetStatistics();
        Assert.Equal(0, b.InboundRtp!.PacketsLost);
        // B played A's tone again after the gap.
        Assert.InRange(Heard.Frequency(call.SinkB.Samples[^24_000..]), 435, 445);
    }

    [Fact]
    public async Task IsReceiving_false_plays_silence_counts_packets_and_conceals_nothing_even_when_the_peer_stops_too()
    {
        await using var call = new SessionPair(new ToneSource(440), new ToneSource(660));
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        call.B.IsReceiving = false;
        MediaSessionStatistics before = call.B.GetStatistics();
        int played = call.SinkB.Count;
        call.Run(TimeSpan.FromSeconds(2));

        // A still sends: B authenticates and counts it, but plays silence at its pace.
        MediaSessionStatistics during = call.B.GetStatistics();
        Assert.InRange(call.SinkB.Count - played, (2 * 48_000) - 960, (2 * 48_000) + 960);
        Assert.Equal(0, Heard.Rms(call.SinkB.Samples[played..]));
        Assert.InRange(during.InboundRtp!.PacketsReceived - before.InboundRtp!.PacketsReceived, 98, 102);
        Assert.Equal(0, during.PacketsRejected);
        Assert.Equal(before.Playout.ConcealedSamples, during.Playout.ConcealedSamples);

        // The peer puts its side on hold too: no packets at all, and still no concealment.
        call.A.IsSending = false;
        call.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(before.Playout.ConcealedSamples, call.B.GetStatistics().Playout.ConcealedSamples);
        Assert.Equal(before.Playout.ConcealmentEvents, call.B.GetStatistics().Playout.ConcealmentEvents);

        // Both back: B plays A's tone again.
        call.A.IsSending = true;
        call.B.IsReceiving = true;
        call.Run(TimeSpan.FromSeconds(1));
        ReadOnlySpan<short> last = call.SinkB.Samples[^24_000..];
        Assert.True(Heard.Rms(last) > 5000, $"RMS {Heard.Rms(last):F0}");
        Assert.InRange(Heard.Frequency(last), 435, 445);
        Assert.Equal(before.Playout.ConcealedSamples, call.B.GetStatistics().Playout.ConcealedSamples);
    }

    [Fact]
    public async Task IsMuted_keeps_packets_flowing_whose_audio_decodes_to_near_silence_while_a_tone_plays()
    {
        var tone = new ToneSource(440);
        await using var call = new SessionPair(tone, new ToneSource(660));
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        Assert.True(Heard.Rms(Heard.Window(call.SinkB, 1, 2)) > 5000);

        call.A.IsMuted = true;
        int sent = call.FromA.Rtp.Count();
        long read = tone.Position;
        call.Run(TimeSpan.FromSeconds(2));
        Assert.True(call.A.IsMuted);
        Assert.InRange(call.FromA.Rtp.Count() - sent, 99, 101); // a packet every 20 ms all along
        Assert.InRange(tone.Position - read, (2 * 48_000) - 960, (2 * 48_000) + 960); // the source was still read
        double mutedRms = Heard.Rms(Heard.Window(call.SinkB, 2.5, 4)); // after the buffer's delay
        Assert.True(mutedRms < 50, $"RMS while muted {mutedRms:F1}");

        call.A.IsMuted = false;
        call.Run(TimeSpan.FromSeconds(1));
        Assert.True(Heard.Rms(call.SinkB.Samples[^24_000..]) > 5000);
    }

    [Fact]
    public async Task ReplaceSourceAsync_from_440_to_880_Hz_mid_call_changes_the_received_tone_and_stops_the_old_source()
    {
        var low = new ToneSource(440);
        var high = new ToneSource(880);
        await using var call = new SessionPair(low, new ToneSource(660));
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        await call.A.ReplaceSourceAsync(high);
        call.Run(TimeSpan.FromSeconds(2));

        Assert.InRange(Heard.Frequency(Heard.Window(call.SinkB, 1, 2)), 435, 445);
        Assert.InRange(Heard.Frequency(Heard.Window(call.SinkB, 2.5, 4)), 870, 890);
        Assert.Equal(0, low.Read(new short[960])); // stopped (a source never started would throw)
        Assert.InRange(high.Position, (2 * 48_000) - 960, (2 * 48_000) + 960);
        Assert.Equal(0, call.B.GetStatistics().InboundRtp!.PacketsLost);
    }

    [Fact]
    public async Task ReplaceSourceAsync_switches_between_a_real_time_source_and_a_clock_paced_one_both_ways()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var device = new ClockedToneSource(time, 440);
        var file = new ToneSource(880);
        var otherDevice = new ClockedToneSource(time, 660);
        await using var call = new SessionPair(device, new ToneSource(330), time: time);
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        await call.A.ReplaceSourceAsync(file);
        call.Run(TimeSpan.FromSeconds(2));
        Assert.True(device.Stopped);
        long producedAtSwap = device.Produced;
        await call.A.ReplaceSourceAsync(otherDevice);
        call.Run(TimeSpan.FromSeconds(2));

        Assert.InRange(Heard.Frequency(Heard.Window(call.SinkB, 1, 2)), 435, 445);
        Assert.InRange(Heard.Frequency(Heard.Window(call.SinkB, 2.5, 4)), 870, 890);
        Assert.InRange(Heard.Frequency(Heard.Window(call.SinkB, 4.5, 6)), 655, 665);
        Assert.Equal(0, file.Read(new short[960]));
        Assert.Equal(producedAtSwap, device.Produced);
        // One packet per 20 ms throughout, sequence numbers without a gap.
        TappedPacket[] rtp = [.. call.FromA.Rtp];
        Assert.InRange(rtp.Length, 297, 301);
        Assert.All(rtp.Zip(rtp.Skip(1)), p => Assert.Equal((ushort)(p.First.Sequence + 1), p.Second.Sequence));
        Assert.Equal(0, call.B.GetStatistics().InboundRtp!.PacketsLost);
    }

    [Fact]
    public async Task ReplaceSinkAsync_redirects_the_played_audio_and_stops_the_old_sink()
    {
        await using var call = new SessionPair(new ToneSource(440), new ToneSource(660));
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));
        var speaker = new MemoryAudioSink();
        await call.B.ReplaceSinkAsync(speaker);
        int oldCount = call.SinkB.Count;
        call.Run(TimeSpan.FromSeconds(2));

        Assert.Equal(oldCount, call.SinkB.Count);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await call.SinkB.WriteAsync(new short[960])); // stopped
        Assert.InRange(speaker.Count, (2 * 48_000) - 960, (2 * 48_000) + 960);
        Assert.InRange(Heard.Frequency(speaker.Samples), 435, 445);
        Assert.True(Heard.Rms(speaker.Samples) > 5000);
    }

    [Fact]
    public async Task Before_start_replacing_only_swaps_and_start_uses_the_replacements()
    {
        var unused = new ToneSource(440);
        var used = new ToneSource(880);
        await using var call = new SessionPair(unused, new ToneSource(660));
        var speaker = new MemoryAudioSink();
        await call.A.ReplaceSourceAsync(used);
        await call.B.ReplaceSinkAsync(speaker);
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(2));

        Assert.Throws<InvalidOperationException>(() => unused.Read(new short[960])); // never started
        Assert.Equal(0, call.SinkB.Count);
        Assert.InRange(Heard.Frequency(Heard.Window(speaker, 0.5, 2)), 870, 890);
    }

    [Fact]
    public async Task Hold_mute_and_swaps_default_to_a_normal_call_and_refuse_after_disposal()
    {
        var call = new SessionPair(new ToneSource(440), new ToneSource(660));
        Assert.True(call.A.IsSending);
        Assert.True(call.A.IsReceiving);
        Assert.False(call.A.IsMuted);
        await call.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.A.ReplaceSourceAsync(new SilenceSource()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.A.ReplaceSinkAsync(new MemoryAudioSink()));
        Assert.Throws<ObjectDisposedException>(() => { _ = call.A.SendDtmfAsync("1"); });
    }
}
