using Microsoft.Extensions.Time.Testing;
using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtp;

public class RtpReceiverTests
{
    private const uint Local = 0x1111;
    private const uint RemoteA = 0xAAAA;
    private const uint RemoteB = 0xBBBB;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    internal static byte[] Packet(uint ssrc, ushort seq, uint timestamp = 0) =>
        new RtpModel(new RtpHeader(111, seq, timestamp, ssrc), [], RtpHeaderExtensionForm.None, [], 0, [], [1, 2, 3], 0).Write();

    private RtpReceiver Receiver(int minSequential = 1, uint? remote = null, int clockRate = 8000) =>
        new(new RtpReceiverOptions { LocalSsrc = Local, RemoteSsrc = remote, MinSequential = minSequential, ClockRate = clockRate }, _time);

    private static RtpReceiveResult Receive(RtpReceiver r, uint ssrc, ushort seq, uint ts = 0, long arrival = 0) =>
        r.Receive(Packet(ssrc, seq, ts), arrival, out _);

    [Fact]
    public void Loss_and_fraction_lost_per_rfc3550_a3()
    {
        RtpReceiver r = Receiver();
        // 10, 11, 13, 14, 17 then a duplicate 13: 12, 15, 16 lost; the duplicate offsets one loss.
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 10));
        foreach (ushort seq in new ushort[] { 11, 13, 14, 17, 13 })
        {
            Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, seq));
        }

        RtpReceiveStatistics s = r.GetStatistics();
        Assert.Equal(17u, s.ExtendedHighestSequence);
        Assert.Equal(8, s.PacketsExpected);   // 17 - 10 + 1
        Assert.Equal(6, s.PacketsReceived);   // duplicates count
        Assert.Equal(2, s.CumulativeLost);    // 8 - 6
        Assert.True(r.TryCreateReportBlock(0, out RtcpReportBlock b));
        Assert.Equal(64, b.FractionLost);     // interval: expected 8, received 6 -> (2 << 8) / 8
        Assert.Equal(2, b.CumulativeLost);

        foreach (ushort seq in new ushort[] { 18, 19, 20, 21 })
        {
            Receive(r, RemoteA, seq);
        }

        r.TryCreateReportBlock(0, out b);
        Assert.Equal(0, b.FractionLost);      // 4 expected, 4 received
        Assert.Equal(2, b.CumulativeLost);    // 12 - 10

        Receive(r, RemoteA, 22);
        Receive(r, RemoteA, 25);
        r.TryCreateReportBlock(0, out b);
        Assert.Equal(128, b.FractionLost);    // 4 expected (22..25), 2 received -> (2 << 8) / 4
        Assert.Equal(4, b.CumulativeLost);
        Assert.Equal(25u, b.ExtendedHighestSequence);
    }

    [Fact]
    public void More_received_than_expected_gives_zero_fraction_and_negative_cumulative()
    {
        RtpReceiver r = Receiver();
        Receive(r, RemoteA, 1);
        Receive(r, RemoteA, 2);
        Receive(r, RemoteA, 2);
        Receive(r, RemoteA, 1);
        r.TryCreateReportBlock(0, out RtcpReportBlock b);
        Assert.Equal(0, b.FractionLost);
        Assert.Equal(-2, b.CumulativeLost);   // expected 2, received 4
    }

    [Fact]
    public void Probation_needs_min_sequential_packets_in_sequence()
    {
        RtpReceiver r = Receiver(minSequential: 2);
        Assert.Equal(RtpReceiveResult.Probation, Receive(r, RemoteA, 100));
        Assert.Null(r.RemoteSsrc);
        Assert.False(r.TryCreateReportBlock(0, out _));
        Assert.Equal(RtpReceiveResult.Probation, Receive(r, RemoteA, 200));   // not in sequence: restart
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 201));
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 202));
        Assert.Equal(RemoteA, r.RemoteSsrc);
        RtpReceiveStatistics s = r.GetStatistics();
        Assert.Equal(2, s.PacketsExpected);   // base is the packet that ended probation (A.1 init_seq)
        Assert.Equal(2, s.PacketsReceived);
        Assert.Equal(2, r.GetCount(RtpReceiveResult.Probation));
    }

    [Fact]
    public void Sequence_wrap_at_65535_with_reordering()
    {
        RtpReceiver r = Receiver(minSequential: 2);
        Assert.Equal(RtpReceiveResult.Probation, Receive(r, RemoteA, 65533));
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 65534));
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 0));      // wrapped, arrived before 65535
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 65535));  // late, from the previous cycle
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 1));
        RtpReceiveStatistics s = r.GetStatistics();
        Assert.Equal(65537u, s.ExtendedHighestSequence); // 1 cycle + 1
        Assert.Equal(4, s.PacketsExpected);              // 65537 - 65534 + 1
        Assert.Equal(4, s.PacketsReceived);
        Assert.Equal(0, s.CumulativeLost);
        // A packet lost across the wrap and one reordered further back.
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 3));
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 65530)); // 9 back: reordered, not a new cycle
        s = r.GetStatistics();
        Assert.Equal(65539u, s.ExtendedHighestSequence);
        Assert.Equal(6, s.PacketsExpected);
        Assert.Equal(6, s.PacketsReceived);
    }

    [Fact]
    public void Large_jump_is_trusted_only_when_the_next_packet_follows()
    {
        RtpReceiver r = Receiver();
        Receive(r, RemoteA, 100);
        Receive(r, RemoteA, 101);
        Assert.Equal(RtpReceiveResult.SequenceDiscontinuity, Receive(r, RemoteA, 10000));
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 102));
        Assert.Equal(RtpReceiveResult.SequenceDiscontinuity, Receive(r, RemoteA, 20000));
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 20001));   // the sender restarted: resync
        RtpReceiveStatistics s = r.GetStatistics();
        Assert.Equal(20001u, s.ExtendedHighestSequence);
        Assert.Equal(1, s.PacketsExpected);
        Assert.Equal(1, s.PacketsReceived);
    }

    [Fact]
    public void Jitter_per_rfc3550_a8_on_known_arrivals()
    {
        // 8 kHz: packets every 20 ms (160 units); arrivals 0, 20, 45, 60, 80 ms -> 0, 160, 360, 480, 640 units.
        // Transit: 0, 0, 40, 0, 0; |D|: -, 0, 40, 40, 0.
        // J = 0 -> 0 + (0 - 0)/16 = 0 -> 0 + (40 - 0)/16 = 2.5 -> 2.5 + (40 - 2.5)/16 = 4.84375
        //   -> 4.84375 + (0 - 4.84375)/16 = 4.541015625.
        RtpReceiver r = Receiver();
        long start = _time.GetTimestamp();
        long Ms(int ms) => start + (ms * _time.TimestampFrequency / 1000);
        int[] arrivals = [0, 20, 45, 60, 80];
        uint[] expected = [0, 0, 2, 4, 4];
        for (int i = 0; i < arrivals.Length; i++)
        {
            Assert.True(Receive(r, RemoteA, (ushort)(500 + i), (uint)(90_000 + (160 * i)), Ms(arrivals[i])) is RtpReceiveResult.Accepted or RtpReceiveResult.NewSource);
            Assert.Equal(expected[i], r.GetStatistics().Jitter);
        }

        Assert.Equal(TimeSpan.FromSeconds(4 / 8000.0), r.GetStatistics().JitterTime);
        r.TryCreateReportBlock(Ms(80), out RtcpReportBlock b);
        Assert.Equal(4u, b.Jitter);
    }

    [Fact]
    public void Jitter_state_matches_the_floating_point_formula_and_handles_timestamp_wrap()
    {
        var s = new RtpSourceState(1, 0, 1);
        // RTP timestamps wrap past 2^32 while arrivals do not: transit differences still come out right.
        s.UpdateJitter(1000, uint.MaxValue - 159);
        s.UpdateJitter(1160, 0);                 // D = 0
        Assert.Equal(0.0, s.JitterEstimate);
        s.UpdateJitter(1336, 160);               // D = 16
        Assert.Equal(1.0, s.JitterEstimate);     // 0 + (16 - 0)/16
        s.UpdateJitter(1480, 320);               // transit back by 16: |D| = 16
        Assert.Equal(1.9375, s.JitterEstimate);  // 1 + (16 - 1)/16
    }

    [Fact]
    public void Lsr_and_dlsr_come_from_the_last_sender_report()
    {
        RtpReceiver r = Receiver();
        Receive(r, RemoteA, 1);
        r.TryCreateReportBlock(_time.GetTimestamp(), out RtcpReportBlock b);
        Assert.Equal(0u, b.LastSenderReport);
        Assert.Equal(0u, b.DelaySinceLastSenderReport);

        var ntp = new NtpTimestamp(0xB7052000_12345678);
        r.OnSenderReport(RemoteB, new RtcpSenderInfo(ntp, 0, 0, 0), _time.GetTimestamp()); // not our remote: ignored
        r.OnSenderReport(RemoteA, new RtcpSenderInfo(ntp, 0, 0, 0), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(5.25));
        r.TryCreateReportBlock(_time.GetTimestamp(), out b);
        Assert.Equal(0x20001234u, b.LastSenderReport);          // middle 32 bits
        Assert.Equal(0x00054000u, b.DelaySinceLastSenderReport); // 5.25 s in 1/65536 s
    }

    [Fact]
    public void Round_trip_time_rfc3550_example()
    {
        // RFC 3550 6.4.1 figure 2: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 -> 6.125 s.
        Assert.True(RtcpRoundTrip.TryCompute(0xB7108000, 0xB7052000, 0x00054000, out TimeSpan rtt));
        Assert.Equal(TimeSpan.FromSeconds(6.125), rtt);
        Assert.False(RtcpRoundTrip.TryCompute(0xB7108000, 0, 0, out _));            // no SR seen yet
        Assert.False(RtcpRoundTrip.TryCompute(0xB7108000, 0xB7100000, 0x00010000, out _)); // negative
        Assert.True(RtcpRoundTrip.TryCompute(0x00001000, 0xFFFFF000, 0x00001000, out rtt)); // across the wrap
        Assert.Equal(TimeSpan.FromSeconds(1 / 65536.0 * 0x1000), rtt);
    }

    [Fact]
    public void Sender_computes_rtt_from_a_report_about_its_stream()
    {
        var sender = new RtpSenderStatistics(Local, _time);
        sender.OnPacketSent(160);
        sender.OnPacketSent(100);
        RtcpSenderInfo info = sender.CreateSenderInfo(12345);
        Assert.Equal(2u, info.PacketCount);
        Assert.Equal(260u, info.OctetCount);
        Assert.Equal(12345u, info.RtpTimestamp);
        Assert.Equal(_time.GetUtcNow(), info.NtpTimestamp.ToDateTimeOffset());

        // The remote got our SR, held it 0.25 s, and its RR arrives 0.75 s after we sent the SR.
        _time.Advance(TimeSpan.FromSeconds(0.75));
        Assert.False(sender.OnReportBlock(new RtcpReportBlock(RemoteB, 0, 0, 0, 0, info.NtpTimestamp.ShortFormat, 0x4000)));
        Assert.Null(sender.RoundTripTime);
        Assert.True(sender.OnReportBlock(new RtcpReportBlock(Local, 0, 0, 0, 0, info.NtpTimestamp.ShortFormat, 0x4000)));
        Assert.Equal(TimeSpan.FromSeconds(0.5), sender.RoundTripTime);
        sender.Reset(0x2222);
        Assert.Equal(0u, sender.PacketCount);
        Assert.Null(sender.RoundTripTime);
    }

    [Fact]
    public void Ssrc_collision_is_a_counted_drop_until_the_local_ssrc_changes()
    {
        RtpReceiver r = Receiver();
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 1));
        Assert.Equal(RtpReceiveResult.SsrcCollision, Receive(r, Local, 7));
        Assert.True(r.LocalSsrcCollided);
        r.ChangeLocalSsrc(0x3333);
        Assert.False(r.LocalSsrcCollided);
        Assert.Equal(0x3333u, r.LocalSsrc);
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 2));
        Assert.Equal(1, r.GetCount(RtpReceiveResult.SsrcCollision));
    }

    [Fact]
    public void Remote_ssrc_change_needs_a_run_of_packets_or_a_bye()
    {
        RtpReceiver r = Receiver();
        Receive(r, RemoteA, 1);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteB, (ushort)(50 + i)));
        }

        // The current source speaks: the would-be replacement starts over.
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteA, 2));
        for (int i = 4; i < 8; i++)
        {
            Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteB, (ushort)(50 + i)));
        }

        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteB, 58));    // 5 in sequence
        Assert.Equal(RemoteB, r.RemoteSsrc);
        Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteA, 3));   // the old one is now unknown
        Assert.Equal(RtpReceiveResult.Accepted, Receive(r, RemoteB, 59));
        // Statistics start afresh with the new source, from the packet that ended its probation.
        Assert.Equal(2, r.GetStatistics().PacketsExpected);
        Assert.Equal(2, r.GetStatistics().PacketsReceived);

        // After a BYE from the current source, MinSequential packets of the next are enough.
        var bye = new byte[16];
        RtcpGoodbye.TryWrite(bye, [RemoteB], [], out int n);
        RtcpCompoundPacket.TryRead(bye.AsSpan(0, n), true, out RtcpCompoundPacket c);
        foreach (RtcpPacket p in c)
        {
            RtcpGoodbye.TryRead(p, out RtcpGoodbye g);
            r.OnGoodbye(g);
        }

        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 10));    // MinSequential 1 here
        Assert.Equal(RemoteA, r.RemoteSsrc);
    }

    [Fact]
    public void Signaled_remote_ssrc_filters_others_from_the_start()
    {
        RtpReceiver r = Receiver(remote: RemoteA);
        Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteB, 1));
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 1));
        Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteB, 2));
    }

    [Fact]
    public void Signaled_remote_that_never_comes_is_replaced_only_by_a_sustained_run()
    {
        RtpReceiver r = Receiver(remote: RemoteA);
        for (ushort seq = 10; seq < 14; seq++)
        {
            Assert.Equal(RtpReceiveResult.UnknownSsrc, Receive(r, RemoteB, seq));
        }

        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteB, 14));
        Assert.Equal(RemoteB, r.RemoteSsrc);
    }

    public static TheoryData<string, byte[], RtpReceiveResult> BadDatagrams => new()
    {
        { "empty", [], RtpReceiveResult.TooShort },
        { "short", [0x80, 0, 0], RtpReceiveResult.TooShort },
        { "version 0", [0x00, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xAA, 0xAA], RtpReceiveResult.BadVersion },
        { "CSRCs past end", [0x83, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xAA, 0xAA], RtpReceiveResult.CsrcOverrun },
        { "extension past end", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xAA, 0xAA, 0xBE, 0xDE, 0, 9], RtpReceiveResult.ExtensionOverrun },
        { "element past block", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xAA, 0xAA, 0xBE, 0xDE, 0, 1, 0x1F, 0, 0, 0], RtpReceiveResult.MalformedExtension },
        { "padding past end", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xAA, 0xAA, 1, 200], RtpReceiveResult.BadPadding },
        { "unknown SSRC", Packet(RemoteB, 2), RtpReceiveResult.UnknownSsrc },
    };

    [Theory]
    [MemberData(nameof(BadDatagrams))]
    public void Bad_packet_is_a_counted_typed_drop_and_the_next_good_one_goes_through(string name, byte[] bad, RtpReceiveResult expected)
    {
        Assert.NotNull(name);
        RtpReceiver r = Receiver();
        Assert.Equal(RtpReceiveResult.NewSource, Receive(r, RemoteA, 1));
        Assert.Equal(expected, r.Receive(bad, 0, out RtpPacket dropped));
        Assert.True(dropped.Span.IsEmpty);
        Assert.Equal(1, r.GetCount(expected));
        Assert.Equal(1, r.PacketsDropped);
        Assert.Equal(RtpReceiveResult.Accepted, r.Receive(Packet(RemoteA, 2), 0, out RtpPacket good));
        Assert.Equal(2, good.SequenceNumber);
        Assert.Equal(2, r.GetStatistics().PacketsReceived);
        Assert.Equal(1, r.GetStatistics().PacketsDropped);
    }

    [Fact]
    public void Random_garbage_never_throws_and_never_stops_good_packets()
    {
        var random = new Random(1234);
        RtpReceiver r = Receiver();
        var garbage = new byte[64];
        for (ushort seq = 1; seq < 2000; seq++)
        {
            random.NextBytes(garbage);
            r.Receive(garbage.AsSpan(0, random.Next(garbage.Length)), 0, out _);
            Assert.True(r.Receive(Packet(RemoteA, seq), 0, out _) is RtpReceiveResult.Accepted or RtpReceiveResult.NewSource);
        }
    }
}
