using VoipKit.Audio;
using VoipKit.Media.Codecs;
using VoipKit.Media.Jitter;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Jitter;

public class JitterBufferTests
{
    private const uint Ssrc = 0x1234;

    /// <summary>60 s of the speech test signal as Opus packets, encoded once.</summary>
    private static readonly Lazy<byte[][]> Speech60 = new(() => Encode(60, lossPercent: 10));

    private static byte[][] Encode(int seconds, int lossPercent)
    {
        var source = new SpeechLikeSource(seed: 2);
        source.StartAsync().AsTask().Wait();
        using var enc = new OpusAudioEncoder(new OpusEncoderSettings { Bitrate = 24_000, UseInbandFec = true, PacketLossPercent = lossPercent });
        short[] pcm = new short[960];
        byte[] buf = new byte[OpusAudioEncoder.MaxPacketBytes];
        var packets = new byte[seconds * 50][];
        for (int i = 0; i < packets.Length; i++)
        {
            source.Read(pcm);
            packets[i] = buf[..enc.Encode(pcm, buf)];
        }

        return packets;
    }

    private sealed record Outcome(JitterBufferStatistics Stats, LinkStatistics Link, Dictionary<PlayoutKind, int> Kinds);

    /// <summary>
    /// Sends the packets over a simulated link (one every 20 ms of the sender's clock, which may
    /// drift) and plays out every 20 ms of the receiver's clock, in virtual time.
    /// </summary>
    private static Outcome Play(NetworkProfile profile, byte[][] packets, int seed = 1, double senderClockRate = 1.0,
        Func<int, (ushort Seq, uint Ts, uint Ssrc)>? header = null)
    {
        using var jb = new JitterBuffer();
        var link = new SimulatedLink(profile, seed);
        var arrivals = new PriorityQueue<int, (TimeSpan At, int Order)>();
        int order = 0;
        for (int i = 0; i < packets.Length; i++)
        {
            TimeSpan sent = TimeSpan.FromMilliseconds(i * 20 / senderClockRate);
            LinkVerdict v = link.Transmit(sent, packets[i].Length + 50);
            if (v.Fate == LinkFate.Delivered)
            {
                arrivals.Enqueue(i, (v.Arrival, order++));
                if (v.DuplicateArrival is { } d)
                {
                    arrivals.Enqueue(i, (d, order++));
                }
            }
        }

        var kinds = new Dictionary<PlayoutKind, int>();
        short[] frame = new short[960];
        // Play until every arrival is in and the buffer has drained, not into the silence after.
        long limitMs = (long)(packets.Length * 20 / senderClockRate) + 10_000;
        for (long ms = 0; arrivals.Count > 0 || jb.BufferedDuration >= AudioFormat.FrameDuration; ms++)
        {
            Assert.True(ms < limitMs, $"playout did not drain: {jb.Statistics}, buffered {jb.BufferedDuration}");
            TimeSpan now = TimeSpan.FromMilliseconds(ms);
            while (arrivals.TryPeek(out int i, out var key) && key.At <= now)
            {
                arrivals.Dequeue();
                var (seq, ts, ssrc) = header?.Invoke(i) ?? ((ushort)(1000 + i), (uint)(5000 + (i * 960)), Ssrc);
                jb.Insert(seq, ts, ssrc, packets[i], key.At);
            }

            if (ms % 20 == 7) // the receiver's playout tick, out of phase with the sender's
            {
                PlayoutKind k = jb.Pull(frame, now);
                kinds[k] = kinds.GetValueOrDefault(k) + 1;
            }
        }

        return new Outcome(jb.Statistics, link.Statistics, kinds);
    }

    private static string Describe(Outcome o) =>
        $"{o.Stats}\nmean delay {o.Stats.MeanDelay.TotalMilliseconds:F1} ms, concealment {o.Stats.ConcealmentRatio:P2}\n{string.Join(", ", o.Kinds.Select(k => $"{k.Key}={k.Value}"))}\nlink {o.Link}";

    [Fact]
    public void Clean_network_plays_everything_with_low_delay()
    {
        Outcome o = Play(NetworkProfile.Clean, Speech60.Value);
        Assert.True(o.Stats.ConcealedSamples == 0, Describe(o));
        Assert.True(o.Stats.MeanDelay <= TimeSpan.FromMilliseconds(40), Describe(o));
        Assert.Equal(3000, o.Stats.PacketsReceived);
        Assert.Equal(0, o.Stats.PacketsLost);
    }

    [Fact]
    public void Wifi_jitter_conceals_at_most_two_percent_at_under_100ms()
    {
        Outcome o = Play(NetworkProfile.WifiJitter, Speech60.Value);
        Assert.True(o.Stats.ConcealmentRatio <= 0.02, Describe(o));
        Assert.True(o.Stats.MeanDelay <= TimeSpan.FromMilliseconds(100), Describe(o));
        Assert.True(o.Stats.CurrentTargetDelay > TimeSpan.FromMilliseconds(20), Describe(o));
    }

    [Fact]
    public void Lossy_10_recovers_at_least_40_percent_of_lost_frames_with_fec()
    {
        Outcome o = Play(NetworkProfile.Lossy10, Speech60.Value);
        long lostOnLink = o.Link.Lost;
        Assert.True(lostOnLink > 200, Describe(o));
        Assert.True(o.Stats.FecPacketsReceived >= 0.4 * lostOnLink, Describe(o));
    }

    [Fact]
    public void Sender_clock_drift_is_absorbed_by_time_stretching()
    {
        // The sender's clock runs 1 % fast: 600 ms more audio than playout time over 60 s.
        Outcome fast = Play(NetworkProfile.Clean, Speech60.Value, senderClockRate: 1.01);
        Assert.True(fast.Stats.RemovedSamplesForAcceleration > 48 * 300, Describe(fast));
        Assert.True(fast.Stats.MeanDelay <= TimeSpan.FromMilliseconds(80), Describe(fast));
        Assert.Equal(0, fast.Stats.PacketsDiscarded);

        // 1 % slow: the buffer would run dry; it stretches instead.
        Outcome slow = Play(NetworkProfile.Clean, Speech60.Value, senderClockRate: 0.99);
        Assert.True(slow.Stats.InsertedSamplesForDeceleration > 48 * 200, Describe(slow));
        Assert.True(slow.Stats.ConcealmentRatio < 0.02, Describe(slow));
    }

    [Fact]
    public void Duplicates_reordering_and_late_packets_are_dropped_and_counted()
    {
        var profile = NetworkProfile.Clean with { DuplicateProbability = 0.05, ReorderProbability = 0.05, ReorderDelay = TimeSpan.FromMilliseconds(500) };
        Outcome o = Play(profile, Speech60.Value[..1500]);
        Assert.True(o.Stats.DuplicatePackets > 30, Describe(o));
        Assert.True(o.Stats.LatePackets > 30, Describe(o)); // held back 500 ms: past their playout time
        Assert.Equal(o.Stats.DuplicatePackets + o.Stats.LatePackets, o.Stats.PacketsDiscarded);
    }

    [Fact]
    public void Sequence_jump_of_30000_resynchronises_after_confirmation()
    {
        byte[][] p = Speech60.Value[..500];
        // After packet 250 the sender's sequence numbers and timestamps jump.
        Outcome o = Play(NetworkProfile.Clean, p, header: i => i < 250
            ? ((ushort)(100 + i), (uint)(i * 960), Ssrc)
            : ((ushort)(30_100 + i), (uint)(77_000_000 + (i * 960)), Ssrc));
        Assert.Equal(1, o.Stats.Resynchronizations);
        Assert.InRange(o.Stats.PacketsDiscarded, 2, 3); // the two probation packets
        Assert.True(o.Stats.ConcealedSamples < 48 * 200, Describe(o));
    }

    [Fact]
    public void Ssrc_change_restarts_and_plays_the_new_source()
    {
        byte[][] p = Speech60.Value[..500];
        Outcome o = Play(NetworkProfile.Clean, p, header: i => ((ushort)(100 + i), (uint)(i * 960), i < 250 ? Ssrc : 0xBEEFu));
        Assert.Equal(1, o.Stats.Resynchronizations);
        Assert.Equal(500, o.Stats.PacketsReceived);
        Assert.True(o.Kinds[PlayoutKind.Normal] > 450, Describe(o));
    }

    [Fact]
    public void Flood_from_the_future_and_garbage_do_not_disturb_playout()
    {
        using var jb = new JitterBuffer();
        byte[][] p = Speech60.Value[..100];
        short[] frame = new short[960];
        var random = new Random(3);
        int normal = 0;
        for (int i = 0; i < 100; i++)
        {
            TimeSpan now = TimeSpan.FromMilliseconds(i * 20);
            Assert.Equal(JitterBufferInsertResult.Accepted, jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p[i], now));
            // Every 20 ms: scattered packets from far ahead (never two in a row) and random junk.
            Assert.Equal(JitterBufferInsertResult.TooFarAhead, jb.Insert((ushort)(20_000 + (i * 7)), 0, Ssrc, p[i], now));
            byte[] junk = new byte[random.Next(2, 40)];
            random.NextBytes(junk);
            junk[0] = 0x03; // code 3 ...
            junk[1] = 0x00; // ... with zero frames: malformed whatever follows
            Assert.Equal(JitterBufferInsertResult.Malformed, jb.Insert((ushort)(i + 1), (uint)((i + 1) * 960), Ssrc, junk, now));
            Assert.Equal(JitterBufferInsertResult.Malformed, jb.Insert((ushort)(i + 1), (uint)((i + 1) * 960), Ssrc, [], now));
            Assert.Equal(JitterBufferInsertResult.Malformed, jb.Insert((ushort)i, (uint)(i * 960), Ssrc, new byte[3000], now));
            normal += jb.Pull(frame, now + TimeSpan.FromMilliseconds(5)) == PlayoutKind.Normal ? 1 : 0;
        }

        Assert.True(normal > 90, $"{normal} normal frames; {jb.Statistics}");
        Assert.Equal(300, jb.Statistics.MalformedPackets);
    }

    [Fact]
    public void A_source_that_stops_is_concealed_then_silent_and_playout_goes_on()
    {
        using var jb = new JitterBuffer();
        byte[][] p = Speech60.Value;
        short[] frame = new short[960];
        for (int i = 0; i < 50; i++)
        {
            jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p[i], TimeSpan.FromMilliseconds(i * 20));
            jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 10));
        }

        // The sender goes quiet for 3 s; playout must keep producing frames: what is buffered, then concealment.
        int concealed = 0;
        for (int i = 50; i < 200; i++)
        {
            PlayoutKind k = jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 10));
            Assert.True(k is PlayoutKind.Concealed or PlayoutKind.Normal or PlayoutKind.Decelerated, k.ToString());
            concealed += k == PlayoutKind.Concealed ? 1 : 0;
        }

        Assert.True(concealed >= 140, $"{concealed} concealed frames");
        JitterBufferStatistics s = jb.Statistics;
        Assert.True(s.SilentConcealedSamples > 48 * 2000, s.ToString());
        Assert.Equal(1, s.InterruptionCount);
        Assert.All(frame, v => Assert.Equal(0, v)); // long gaps end in silence, not a buzz
    }

    [Fact]
    public void After_an_outage_longer_than_the_maximum_delay_playout_jumps_to_the_packets_that_come_back()
    {
        // A path dies for 3 s and comes back (an ICE restart): the 150 packets sent meanwhile are lost. Walking through
        // them one 20 ms concealment at a time would keep playout 3 s behind the stream for good.
        using var jb = new JitterBuffer();
        byte[][] p = Speech60.Value;
        short[] frame = new short[960];
        for (int i = 0; i < 50; i++)
        {
            jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p[i], TimeSpan.FromMilliseconds(i * 20));
            jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 10));
        }

        for (int i = 50; i < 200; i++)
        {
            jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 10)); // nothing arrives
        }

        int normalAfter = 0;
        for (int i = 200; i < 300; i++)
        {
            jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p[i], TimeSpan.FromMilliseconds(i * 20));
            normalAfter += jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 10)) is PlayoutKind.Normal or PlayoutKind.Accelerated or PlayoutKind.Decelerated ? 1 : 0;
        }

        JitterBufferStatistics s = jb.Statistics;
        Assert.True(normalAfter >= 90, $"{normalAfter} of 100 frames after the outage played from packets; {s}");
        Assert.Equal(150, s.PacketsLost);
        Assert.True(s.MeanDelay < TimeSpan.FromMilliseconds(150), s.ToString());
    }

    [Fact]
    public void Sequence_numbers_given_as_non_audio_are_neither_lost_nor_concealed_and_their_media_time_plays_as_silence()
    {
        // Packets 0-49 audio; 50-56 a telephone-event (7 packets, one per 20 ms, stamped with its
        // start, duration so far) of which 55 (an end retransmission) is lost; 57 on audio again, 7 frames later.
        using var jb = new JitterBuffer();
        byte[][] p = Speech60.Value;
        short[] frame = new short[960];
        var kinds = new List<PlayoutKind>();
        for (int i = 0; i < 120; i++)
        {
            TimeSpan at = TimeSpan.FromMilliseconds(i * 20);
            if (i is >= 50 and < 57)
            {
                if (i != 55)
                {
                    jb.InsertNonAudio((ushort)i, 50 * 960, Ssrc, Math.Min(i - 49, 5) * 960, at);
                }
            }
            else
            {
                jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p[i], at);
            }

            kinds.Add(jb.Pull(frame, at + TimeSpan.FromMilliseconds(7)));
        }

        JitterBufferStatistics s = jb.Statistics;
        Assert.Equal(1, s.PacketsLost); // the one really lost
        Assert.Equal(0, s.ConcealedSamples);
        Assert.Equal(0, s.InsertedSamplesForDeceleration + s.RemovedSamplesForAcceleration);
        Assert.Equal(7 * 960, s.NonAudioSilenceSamples);
        Assert.Equal(7, kinds.Count(k => k == PlayoutKind.Silence));
        Assert.DoesNotContain(PlayoutKind.Concealed, kinds);
    }

    [Fact]
    public void Corrupt_payloads_that_pass_framing_are_concealed_and_playout_continues()
    {
        byte[][] p = (byte[][])Speech60.Value[..300].Clone();
        var random = new Random(8);
        for (int i = 20; i < 300; i += 20)
        {
            byte[] junk = new byte[p[i].Length];
            random.NextBytes(junk);
            junk[0] = p[i][0]; // a valid TOC: the framing check passes, the payload is noise
            p[i] = junk;
        }

        Outcome o = Play(NetworkProfile.Clean, p);
        Assert.True(o.Kinds[PlayoutKind.Normal] > 250, Describe(o));
        Assert.True(o.Stats.ConcealedSamples <= 14 * 960, Describe(o));
    }

    [Fact]
    public void PullEncoded_hands_out_payloads_in_order_and_counts_a_gap_as_lost()
    {
        using var jb = new JitterBuffer();
        byte[][] p = Speech60.Value;
        byte[] out1 = new byte[1500];
        foreach (int i in new[] { 1, 0, 2, 4, 5 })
        {
            jb.Insert((ushort)(100 + i), (uint)(i * 960), Ssrc, p[i], TimeSpan.FromMilliseconds(i * 20));
        }

        var got = new List<int>();
        for (int k = 0; k < 6; k++)
        {
            int n = jb.PullEncoded(out1, TimeSpan.FromMilliseconds(120 + (k * 20)));
            got.Add(n);
            if (n > 0)
            {
                byte[] payload = out1[..n];
                Assert.Contains(p, x => x.AsSpan().SequenceEqual(payload));
            }
        }

        Assert.Equal(new[] { p[0].Length, p[1].Length, p[2].Length, -1, p[4].Length, p[5].Length }, got);
        Assert.Equal(1, jb.Statistics.PacketsLost);
        Assert.Equal(0, jb.PullEncoded(out1, TimeSpan.FromMilliseconds(300))); // nothing left
        Assert.Equal(5 * 960, jb.Statistics.JitterBufferEmittedCount);
    }

    [Fact]
    public void Insert_and_PullEncoded_allocate_nothing_per_packet()
    {
        using var jb = new JitterBuffer();
        byte[] p = Speech60.Value[3];
        byte[] out1 = new byte[1500];
        long sum = 0;

        long Rounds(int from, int count)
        {
            long s = 0;
            for (int i = from; i < from + count; i++)
            {
                // 0–15 ms of jitter, and a clump now and then: both estimator paths run.
                TimeSpan arrival = TimeSpan.FromMilliseconds((i * 20) + (i % 50 == 0 ? 0 : (i * 7919) % 16));
                jb.Insert((ushort)i, (uint)(i * 960), Ssrc, p, arrival);
                s += jb.PullEncoded(out1, arrival + TimeSpan.FromMilliseconds(1));
            }

            return s;
        }

        sum += Rounds(0, 300); // warm-up: the estimator's window fills
        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += Rounds(300, 5000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
    }

    [Fact]
    public void Pull_needs_a_whole_frame()
    {
        using var jb = new JitterBuffer();
        Assert.Throws<ArgumentException>(() => jb.Pull(new short[480], TimeSpan.Zero));
        Assert.Equal(PlayoutKind.Idle, jb.Pull(new short[960], TimeSpan.Zero));
    }

    [Fact]
    public void Flush_drops_what_is_stored_and_the_stream_after_a_pause_plays_without_loss_or_concealment()
    {
        // As a session on hold: packets 0-49 are buffered and partly played, then the buffer is
        // flushed and nothing is pulled for 2 s; the stream goes on 100 packets later.
        byte[][] packets = Speech60.Value;
        using var jb = new JitterBuffer();
        short[] frame = new short[960];
        for (int i = 0; i < 50; i++)
        {
            jb.Insert((ushort)(1000 + i), (uint)(i * 960), Ssrc, packets[i], TimeSpan.FromMilliseconds(i * 20));
            if (i >= 3)
            {
                jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 7));
            }
        }

        JitterBufferStatistics before = jb.Statistics;
        jb.Flush();
        Assert.Equal(TimeSpan.Zero, jb.BufferedDuration);
        for (int i = 150; i < 250; i++)
        {
            jb.Insert((ushort)(1000 + i), (uint)(i * 960), Ssrc, packets[i], TimeSpan.FromMilliseconds(i * 20));
            jb.Pull(frame, TimeSpan.FromMilliseconds((i * 20) + 7));
        }

        JitterBufferStatistics after = jb.Statistics;
        Assert.Equal(before.PacketsLost, after.PacketsLost);
        Assert.Equal(before.ConcealedSamples, after.ConcealedSamples);
        Assert.Equal(before.Resynchronizations, after.Resynchronizations);
        Assert.True(after.TotalSamplesPlayed - before.TotalSamplesPlayed >= 95 * 960, $"{after}");
    }
}
