using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Rtp;
using VoipKit.Media.Session;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Session;

public class MediaSessionDtmfTests
{
    private static SessionPair Pair(NetworkProfile? profile = null, int seed = 1, byte? telephoneEvent = SessionPair.TelephoneEventPayloadType) =>
        new(new ToneSource(440), new ToneSource(660), profile, seed, telephoneEvent);

    [Fact]
    public async Task Digits_1234_hash_arrive_once_each_in_order_with_the_durations_sent()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        Task sent = call.A.SendDtmfAsync("1234#");
        call.Run(TimeSpan.FromSeconds(2));

        Assert.True(sent.IsCompletedSuccessfully);
        Assert.Equal("1234#", call.DigitStringAtB);
        Assert.All(call.DigitsAtB, d => Assert.InRange(d.Args.Duration.TotalMilliseconds, 80, 120)); // 100 ms, within one frame
        Assert.Equal(5, call.DigitsAtB.Select(d => d.Args.RtpTimestamp).Distinct().Count());
        Assert.Equal(5, call.A.GetStatistics().DtmfEventsSent);
        Assert.Equal(5, call.B.GetStatistics().DtmfEventsReceived);
        Assert.Equal(0, call.B.GetStatistics().PacketsRejected);
    }

    [Fact]
    public async Task Each_digit_is_20ms_updates_then_the_end_packet_three_times_on_the_audio_streams_numbering()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        _ = call.A.SendDtmfAsync("7#");
        call.Run(TimeSpan.FromSeconds(1));

        List<TappedPacket> rtp = [.. call.FromA.Rtp];
        var events = rtp.Where(p => p.Event is not null).GroupBy(p => p.Timestamp).ToList();
        Assert.Equal(2, events.Count);
        foreach (IGrouping<uint, TappedPacket> e in events)
        {
            TappedPacket[] packets = [.. e];
            // 100 ms at 48 kHz: updates at 20, 40, 60, 80 ms, the end at 100 ms, and two retransmissions of it.
            Assert.Equal([960, 1920, 2880, 3840, 4800, 4800, 4800], packets.Select(p => (int)p.Event!.Value.Duration));
            Assert.Equal([false, false, false, false, true, true, true], packets.Select(p => p.Event!.Value.End));
            Assert.Equal([true, false, false, false, false, false, false], packets.Select(p => p.Marker));
            Assert.All(packets, p => Assert.Equal(10, p.Event!.Value.Volume));
            Assert.All(packets.Zip(packets.Skip(1)), pair => Assert.Equal(TimeSpan.FromMilliseconds(20), pair.Second.At - pair.First.At));
            Assert.All(packets, p => Assert.Equal(call.A.LocalSsrc, p.Ssrc));

            // One sequence space with the audio, no audio packet during the event, and the audio
            // after it stamped past the event's 7 frames.
            int first = rtp.IndexOf(packets[0]);
            TappedPacket before = rtp[first - 1], after = rtp[first + packets.Length];
            Assert.Equal(111, before.PayloadType);
            Assert.Equal(111, after.PayloadType);
            Assert.Equal([.. Enumerable.Range(0, 9).Select(i => (ushort)(before.Sequence + i))], rtp.Skip(first - 1).Take(9).Select(p => p.Sequence));
            Assert.Equal(before.Timestamp + 960, e.Key);
            Assert.True(after.Timestamp - e.Key >= 7 * 960u, $"audio after the event at +{after.Timestamp - e.Key}");
        }

        Assert.Equal((byte)7, events[0].First().Event!.Value.Event);
        Assert.Equal((byte)11, events[1].First().Event!.Value.Event);
        // The next tone starts 60 ms after the previous one ended (the default gap).
        Assert.Equal(TimeSpan.FromMilliseconds(60), events[1].First().At - TimeSpan.FromMilliseconds(20) - events[0].ElementAt(4).At);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task With_20_percent_loss_every_digit_with_a_packet_through_is_reported_once_in_order(int seed)
    {
        const string digits = "0123456789*#ABCD";
        await using SessionPair call = Pair(NetworkProfile.Clean with { Loss = LossModel.Bernoulli(0.2) }, seed);
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        Task sent = call.A.SendDtmfAsync(digits);
        call.Run(TimeSpan.FromSeconds(4));

        Assert.True(sent.IsCompletedSuccessfully);
        // Which events had at least one packet through, from the packets that reached B.
        uint[] sentEvents = [.. call.FromA.Events.Select(p => p.Timestamp).Distinct()];
        var through = call.ArrivedAtB.Events.Select(p => p.Timestamp).ToHashSet();
        string expected = string.Concat(sentEvents.Select((ts, i) => through.Contains(ts) ? digits[i].ToString() : ""));
        Assert.Equal(16, sentEvents.Length);
        Assert.Equal(expected, call.DigitStringAtB);
        Assert.Equal(call.DigitsAtB.Count, call.DigitsAtB.Select(d => d.Args.RtpTimestamp).Distinct().Count());
        Assert.True(call.ArrivedAtB.Events.Count() < 0.9 * call.FromA.Events.Count(), "the network lost packets");
    }

    [Fact]
    public async Task Digits_1234_hash_count_no_packet_lost_conceal_nothing_and_their_time_plays_as_silence_at_the_receiver()
    {
        // The events use sequence numbers of the audio stream: B's jitter buffer must know them as
        // not audio rather than see missing audio packets, conceal them and speed up afterwards.
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        MediaSessionStatistics before = call.B.GetStatistics();
        int heardBefore = call.SinkB.Count;
        Task sent = call.A.SendDtmfAsync("1234#");
        call.Run(TimeSpan.FromSeconds(2));
        MediaSessionStatistics after = call.B.GetStatistics();

        Assert.True(sent.IsCompletedSuccessfully);
        Assert.Equal("1234#", call.DigitStringAtB);
        Assert.Equal(35, call.FromA.Events.Count()); // 5 digits of 7 packets
        Assert.Equal(0, after.Playout.PacketsLost);
        Assert.Equal(0, after.InboundRtp!.PacketsLost);
        // A clean network: the events cost no concealment and no time-stretching at all.
        Assert.Equal(before.Playout.ConcealedSamples, after.Playout.ConcealedSamples);
        Assert.Equal(before.Playout.ConcealmentEvents, after.Playout.ConcealmentEvents);
        Assert.Equal(before.Playout.RemovedSamplesForAcceleration, after.Playout.RemovedSamplesForAcceleration);
        Assert.Equal(before.Playout.InsertedSamplesForDeceleration, after.Playout.InsertedSamplesForDeceleration);
        // The 7 frames (140 ms) A spent on each event play as silence at B, and nothing else is silent.
        Assert.Equal(5 * 7 * 960, after.Playout.NonAudioSilenceSamples - before.Playout.NonAudioSilenceSamples);
        Assert.Equal(5 * 7 * 960, SilentSamples(call.SinkB.Samples[heardBefore..]));
        // The tone is back after the last digit.
        Assert.InRange(Heard.Frequency(call.SinkB.Samples[^24_000..]), 435, 445);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task With_5_percent_loss_during_digits_only_the_packets_the_network_dropped_count_as_lost_and_only_dropped_audio_is_concealed(int seed)
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        MediaSessionStatistics before = call.B.GetStatistics();
        var random = new Random(seed);
        int droppedAudio = 0, droppedEvents = 0;
        call.FromA.Drop = p =>
        {
            if (p.IsRtcp || random.NextDouble() >= 0.05)
            {
                return false;
            }

            _ = p.Event is null ? droppedAudio++ : droppedEvents++;
            return true;
        };
        _ = call.A.SendDtmfAsync("1234#");
        call.Run(TimeSpan.FromMilliseconds(1500));
        call.FromA.Drop = null; // the last second without loss: every drop is behind the playout by then
        call.Run(TimeSpan.FromSeconds(1));
        MediaSessionStatistics after = call.B.GetStatistics();

        Assert.True(droppedAudio > 0 && droppedEvents > 0, $"the network dropped {droppedAudio} audio and {droppedEvents} event packets");
        Assert.Equal(droppedAudio + droppedEvents, after.Playout.PacketsLost - before.Playout.PacketsLost);
        Assert.Equal(droppedAudio + droppedEvents, after.InboundRtp!.PacketsLost - before.InboundRtp!.PacketsLost);
        // Each dropped audio packet is at most one 20 ms frame concealed (or rebuilt from FEC); events none.
        Assert.InRange(after.Playout.ConcealedSamples - before.Playout.ConcealedSamples, 0, droppedAudio * 960);
    }

    [Theory]
    [InlineData("the first packet of each event")]
    [InlineData("the last end packet of each event")]
    [InlineData("the audio packet before each event")]
    [InlineData("the audio packet after each event")]
    public async Task A_packet_dropped_at_or_inside_each_digit_counts_once_as_lost_and_only_dropped_audio_is_concealed(string which)
    {
        // The digits are sent at 1 s: A's audio packet of that tick goes out, then each event takes
        // 7 ticks and one audio packet follows it, so events begin every 160 ms from 1.02 s.
        TimeSpan sendAt = TimeSpan.FromSeconds(1);
        await using SessionPair call = Pair();
        int droppedAudio = 0, dropped = 0;
        call.FromA.Drop = p =>
        {
            if (p.IsRtcp || p.At < sendAt)
            {
                return false;
            }

            List<TappedPacket> rtp = [.. call.FromA.Rtp]; // p is recorded already: rtp[^2] came before it
            bool drop = which switch
            {
                "the first packet of each event" => p.Event is not null && p.Marker,
                "the last end packet of each event" => p.Event is { End: true } && rtp.Count(q => q.Timestamp == p.Timestamp && q.Event is { End: true }) == 3,
                "the audio packet before each event" => p.Event is null && (p.At - sendAt).TotalMilliseconds % 160 == 0 && p.At - sendAt <= TimeSpan.FromMilliseconds(640),
                _ => p.Event is null && rtp[^2].Event is not null,
            };
            dropped += drop ? 1 : 0;
            droppedAudio += drop && p.Event is null ? 1 : 0;
            return drop;
        };
        await call.StartAsync();
        call.Run(sendAt);
        MediaSessionStatistics before = call.B.GetStatistics();
        _ = call.A.SendDtmfAsync("1234#");
        call.Run(TimeSpan.FromSeconds(2));
        MediaSessionStatistics after = call.B.GetStatistics();

        Assert.Equal(5, dropped);
        Assert.Equal(5, after.Playout.PacketsLost - before.Playout.PacketsLost);
        Assert.InRange(after.Playout.ConcealedSamples - before.Playout.ConcealedSamples, 0, droppedAudio * 960);
        Assert.Equal("1234#", call.DigitStringAtB);
    }

    // Samples in runs of 1 ms or more of digital silence (a tone crosses zero now and then, never for 48 samples).
    private static int SilentSamples(ReadOnlySpan<short> samples)
    {
        int silent = 0, run = 0;
        foreach (short s in samples)
        {
            run = s == 0 ? run + 1 : 0;
            silent += run == 48 ? 48 : run > 48 ? 1 : 0;
        }

        return silent;
    }

    [Fact]
    public async Task An_event_whose_end_packets_are_all_lost_is_reported_once_with_its_last_update_when_the_next_begins()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        uint? second = null;
        call.FromA.Drop = p =>
        {
            // The second event's end packet and its two retransmissions (the 5th to 7th packets).
            if (p.Event is null)
            {
                return false;
            }

            second ??= call.FromA.Events.Select(e => e.Timestamp).Distinct().Skip(1).Cast<uint?>().FirstOrDefault();
            return p.Timestamp == second && p.Event.Value.End;
        };
        _ = call.A.SendDtmfAsync("123");
        call.Run(TimeSpan.FromSeconds(2));

        Assert.Equal("123", call.DigitStringAtB);
        Assert.Equal([100, 80, 100], call.DigitsAtB.Select(d => (int)d.Args.Duration.TotalMilliseconds));
        Assert.Equal(3, call.B.GetStatistics().DtmfEventsReceived);
    }

    [Fact]
    public async Task A_last_event_whose_end_packets_are_all_lost_is_reported_200ms_after_its_last_packet()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        call.FromA.Drop = p => p.Event is { End: true };
        _ = call.A.SendDtmfAsync("5");
        call.Run(TimeSpan.FromSeconds(1));

        (DtmfReceivedEventArgs args, DateTimeOffset at) = Assert.Single(call.DigitsAtB);
        Assert.Equal('5', args.Digit);
        Assert.Equal(80, args.Duration.TotalMilliseconds);
        TimeSpan lastUpdate = call.ArrivedAtB.Events.Last().At;
        TimeSpan reported = at - call.Time.Start;
        Assert.InRange(reported - lastUpdate, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(221));
    }

    [Fact]
    public async Task Calls_queue_and_their_digits_go_out_in_call_order()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(500));
        Task first = call.A.SendDtmfAsync("12");
        Task second = call.A.SendDtmfAsync("*");
        Task third = call.A.SendDtmfAsync("a9");
        call.Run(TimeSpan.FromMilliseconds(330)); // two digits of 160 ms each and a little
        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
        call.Run(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCompletedSuccessfully && third.IsCompletedSuccessfully);
        Assert.Equal("12*A9", call.DigitStringAtB);
    }

    [Fact]
    public async Task Digits_sent_before_start_go_out_once_the_session_starts()
    {
        await using SessionPair call = Pair();
        Task sent = call.A.SendDtmfAsync("0");
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        Assert.True(sent.IsCompletedSuccessfully);
        Assert.Equal("0", call.DigitStringAtB);
    }

    [Fact]
    public async Task Cancelling_skips_the_digits_not_begun_but_finishes_the_tone_on_the_stream()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(500));
        using var cts = new CancellationTokenSource();
        Task sent = call.A.SendDtmfAsync("123", cts.Token);
        call.Run(TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);
        call.Run(TimeSpan.FromSeconds(1));

        Assert.Equal("1", call.DigitStringAtB);
        Assert.Equal(3, call.FromA.Events.Count(p => p.Event!.Value.End)); // the tone begun still ended properly
        Assert.Equal(1, call.A.GetStatistics().DtmfEventsSent);
    }

    [Fact]
    public async Task Tone_duration_and_gap_follow_the_options_rounded_up_to_whole_frames()
    {
        await using var call = new SessionPair(new ToneSource(440), new ToneSource(660), dtmfTone: TimeSpan.FromMilliseconds(250), dtmfGap: TimeSpan.FromMilliseconds(40));
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(500));
        _ = call.A.SendDtmfAsync("#*");
        call.Run(TimeSpan.FromSeconds(1));

        Assert.Equal("#*", call.DigitStringAtB);
        Assert.All(call.DigitsAtB, d => Assert.Equal(TimeSpan.FromMilliseconds(260), d.Args.Duration)); // 13 frames
        var events = call.FromA.Events.GroupBy(p => p.Timestamp).Select(g => g.ToArray()).ToArray();
        Assert.All(events, e => Assert.Equal(13 + 2, e.Length));
        // A 40 ms gap is the two end retransmissions: the next event follows at once, stamped 15 frames later.
        Assert.Equal(15 * 960u, events[1][0].Timestamp - events[0][0].Timestamp);
        Assert.Equal((ushort)(events[0][^1].Sequence + 1), events[1][0].Sequence);
    }

    [Theory]
    [InlineData(111, 100, 60)]   // the audio payload type
    [InlineData(128, 100, 60)]   // not a payload type
    [InlineData(101, 39, 60)]
    [InlineData(101, 1001, 60)]
    [InlineData(101, 100, 39)]
    [InlineData(101, 100, 1001)]
    public void Options_with_a_clashing_payload_type_or_tone_timings_out_of_range_are_refused(int payloadType, int toneMs, int gapMs)
    {
        var time = new FakeTimeProvider();
        MediaSessionOptions options = SessionPair.Options(time, new byte[16], new byte[12], new byte[16], new byte[12], (byte)payloadType,
            TimeSpan.FromMilliseconds(toneMs), TimeSpan.FromMilliseconds(gapMs));
        Assert.ThrowsAny<ArgumentException>(() => new MediaSession(options, new SilenceSource(), new MemoryAudioSink(), new NullTransport()));
    }

    [Fact]
    public async Task Sending_dtmf_when_not_negotiated_throws_InvalidOperationException()
    {
        await using SessionPair call = Pair(telephoneEvent: null);
        await call.StartAsync();
        Assert.Throws<InvalidOperationException>(() => { _ = call.A.SendDtmfAsync("1"); }); // thrown at the call, not from the task
        call.Run(TimeSpan.FromMilliseconds(500));
        Assert.Empty(call.FromA.Events);
    }

    [Theory]
    [InlineData("12x")]
    [InlineData("E")]
    [InlineData("1,2")]
    [InlineData("1 ")]
    public async Task A_string_with_a_character_other_than_a_dtmf_digit_throws_ArgumentException_and_sends_nothing(string digits)
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        Assert.Throws<ArgumentException>(() => { _ = call.A.SendDtmfAsync(digits); });
        call.Run(TimeSpan.FromMilliseconds(500));
        Assert.Empty(call.FromA.Events);
    }

    [Fact]
    public async Task Stopping_the_session_cancels_the_digits_still_queued()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(300));
        Task sent = call.A.SendDtmfAsync("123456");
        call.Run(TimeSpan.FromMilliseconds(200));
        await call.A.StopAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);
        Assert.Throws<InvalidOperationException>(() => { _ = call.A.SendDtmfAsync("1"); }); // thrown at the call, not from the task
    }

    [Fact]
    public async Task Dtmf_while_not_sending_is_paced_but_not_sent()
    {
        await using SessionPair call = Pair();
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(500));
        call.A.IsSending = false;
        Task sent = call.A.SendDtmfAsync("12");
        call.Run(TimeSpan.FromMilliseconds(500));
        Assert.True(sent.IsCompletedSuccessfully);
        Assert.Empty(call.FromA.Events);
        Assert.Empty(call.DigitsAtB);
    }

    [Fact]
    public async Task A_throwing_DtmfReceived_handler_is_logged_and_counted_and_later_digits_and_audio_go_on()
    {
        await using SessionPair call = Pair();
        var seenByThrower = new List<char>();
        call.B.DtmfReceived += (_, e) =>
        {
            seenByThrower.Add(e.Digit);
            throw new InvalidOperationException($"handler bug at {e.Digit}");
        };
        await call.StartAsync();
        call.Run(TimeSpan.FromSeconds(1));
        _ = call.A.SendDtmfAsync("12");
        call.Run(TimeSpan.FromSeconds(1));
        _ = call.A.SendDtmfAsync("34");
        call.Run(TimeSpan.FromSeconds(2));

        Assert.Equal("1234", string.Concat(seenByThrower));
        Assert.Equal("1234", call.DigitStringAtB); // the other handler, subscribed before, saw every digit too
        Assert.Equal(4, call.B.GetStatistics().DtmfHandlerFailures);
        var errors = call.LogB.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e.Exception));
        // The audio after the digits still plays: the last second is A's 440 Hz tone.
        ReadOnlySpan<short> last = call.SinkB.Samples[^AudioFormat.SampleRate..];
        Assert.True(Heard.Rms(last) > 5000, $"RMS {Heard.Rms(last):F0}");
        Assert.InRange(Heard.Frequency(last), 435, 445);
    }

    [Fact]
    public async Task Digits_are_raised_outside_the_session_lock()
    {
        // A handler that calls back into the session from another thread would deadlock if the
        // event were raised under the session's lock.
        await using SessionPair call = Pair();
        MediaSessionStatistics? fromHandler = null;
        call.B.DtmfReceived += (_, _) => fromHandler = Task.Run(() => call.B.GetStatistics()).Wait(TimeSpan.FromSeconds(5)) ? call.B.GetStatistics() : null;
        await call.StartAsync();
        call.Run(TimeSpan.FromMilliseconds(500));
        _ = call.A.SendDtmfAsync("9");
        call.Run(TimeSpan.FromMilliseconds(500));
        Assert.NotNull(fromHandler);
        Assert.Equal(1, fromHandler!.DtmfEventsReceived);
    }

    [Fact]
    public async Task Random_telephone_event_payloads_from_the_authenticated_peer_never_throw_nor_report_a_timestamp_twice()
    {
        // The peer holds the keys, so its packets pass SRTP: whatever their payload, sequence of
        // timestamps and durations, B must not throw and reports each timestamp at most once.
        var time = new FakeTimeProvider();
        byte[] key = RandomNumberGenerator.GetBytes(16), salt = RandomNumberGenerator.GetBytes(12);
        byte[] ourKey = RandomNumberGenerator.GetBytes(16), ourSalt = RandomNumberGenerator.GetBytes(12);
        await using var session = new MediaSession(SessionPair.Options(time, ourKey, ourSalt, key, salt, SessionPair.TelephoneEventPayloadType),
            new SilenceSource(), new MemoryAudioSink(), new NullTransport());
        var reported = new List<DtmfReceivedEventArgs>();
        session.DtmfReceived += (_, e) => reported.Add(e);
        await session.StartAsync();
        using var peer = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        var random = new Random(4733);
        byte[] buffer = new byte[1500];
        ushort sequence = 1000;
        uint baseTimestamp = 0xFFFF_0000; // the timestamps wrap during the run
        for (int i = 0; i < 20_000; i++)
        {
            uint timestamp = random.Next(4) switch
            {
                0 => unchecked((uint)random.NextInt64(uint.MaxValue + 1L)),                // anywhere
                _ => unchecked(baseTimestamp + ((uint)random.Next(64) * 960)),            // near, often repeated
            };
            if (random.Next(50) == 0)
            {
                baseTimestamp = unchecked(baseTimestamp + 960 * 40);
            }

            byte[] payload = new byte[random.Next(0, 9)];
            random.NextBytes(payload);
            if (payload.Length >= 2 && random.Next(2) == 0)
            {
                payload[0] = (byte)random.Next(16); // mostly DTMF codes
            }

            var header = new RtpHeader(SessionPair.TelephoneEventPayloadType, sequence++, timestamp, 0x5EED, random.Next(8) == 0);
            Assert.True(RtpPacketWriter.TryWrite(buffer, header, payload, out int length));
            Assert.Equal(SrtpResult.Ok, peer.Protect(buffer, length, out int protectedLength));
            session.OnPacketReceived(buffer.AsSpan(0, protectedLength));
            if (i % 10 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 300))); // the playout tick expires events
            }
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotEmpty(reported);
        Assert.Equal(reported.Count, reported.Select(r => r.RtpTimestamp).Distinct().Count());
        Assert.All(reported, r => Assert.True(DtmfDigit.IsValid(r.Digit)));
        Assert.Equal(reported.Count, session.GetStatistics().DtmfEventsReceived);
    }

    [Fact]
    public async Task Receiving_telephone_events_allocates_nothing_per_packet()
    {
        var time = new FakeTimeProvider();
        byte[] key = RandomNumberGenerator.GetBytes(16), salt = RandomNumberGenerator.GetBytes(12);
        await using var session = new MediaSession(SessionPair.Options(time, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12), key, salt, SessionPair.TelephoneEventPayloadType),
            new SilenceSource(), new MemoryAudioSink(), new NullTransport());
        await session.StartAsync();
        using var peer = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        // 60 events as the peer sends them: 4 updates, the end, its 2 retransmissions (no handler: nothing to raise).
        var packets = new List<byte[]>();
        ushort sequence = 1;
        for (int e = 0; e < 60; e++)
        {
            uint timestamp = (uint)(e * 8 * 960);
            for (int k = 1; k <= 7; k++)
            {
                byte[] buffer = new byte[100];
                byte[] payload = new byte[4];
                new TelephoneEvent((byte)(e % 16), k >= 5, 10, (ushort)(Math.Min(k, 5) * 960)).TryWrite(payload, out _);
                Assert.True(RtpPacketWriter.TryWrite(buffer, new RtpHeader(SessionPair.TelephoneEventPayloadType, sequence++, timestamp, 0xD7F, k == 1), payload, out int length));
                Assert.Equal(SrtpResult.Ok, peer.Protect(buffer, length, out int protectedLength));
                packets.Add(buffer[..protectedLength]);
            }
        }

        for (int i = 0; i < 70; i++)
        {
            session.OnPacketReceived(packets[i]); // warm-up: JIT, the report queue's first growth
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 70; i < packets.Count; i++)
        {
            session.OnPacketReceived(packets[i]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(60, session.GetStatistics().DtmfEventsReceived);
    }

    private sealed class NullTransport : IMediaTransport
    {
        public void Send(ReadOnlySpan<byte> packet)
        {
        }
    }
}
