using Microsoft.Extensions.Time.Testing;
using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;
using VoipKit.Media.Tests.Rtp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpReceiverTests
{
    private const uint A = 0xA1A1;
    private const uint B = 0xB2B2;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    private sealed class Peer
    {
        public Peer(uint local, TimeProvider time, RtcpFeedbackHandler? handler = null)
        {
            Rtp = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = local, MinSequential = 1 }, time);
            Sender = new RtpSenderStatistics(local, time);
            Rtcp = new RtcpReceiver(Rtp, Sender, allowReducedSize: true, handler);
        }

        public RtpReceiver Rtp { get; }

        public RtpSenderStatistics Sender { get; }

        public RtcpReceiver Rtcp { get; }
    }

    private sealed class Recorder : RtcpFeedbackHandler
    {
        public List<ushort> Nacked { get; } = [];

        public List<TwccPacketReport> Twcc { get; } = [];

        public override void OnGenericNack(in RtcpGenericNack nack)
        {
            var lost = new ushort[17 * nack.ItemCount];
            Nacked.AddRange(lost[..nack.CopyLostSequenceNumbers(lost)]);
        }

        public override void OnTransportWideFeedback(in RtcpTransportWideFeedback feedback)
        {
            foreach (TwccPacketReport r in feedback)
            {
                Twcc.Add(r);
            }
        }
    }

    [Fact]
    public void Rtt_from_sr_and_rr_between_two_peers()
    {
        var a = new Peer(A, _time);
        var b = new Peer(B, _time);
        TimeSpan oneWay = TimeSpan.FromMilliseconds(40);
        TimeSpan hold = TimeSpan.FromMilliseconds(200);

        // Media both ways so each knows the other's SSRC.
        a.Rtp.Receive(RtpReceiverTests.Packet(B, 1), _time.GetTimestamp(), out _);
        b.Rtp.Receive(RtpReceiverTests.Packet(A, 1), _time.GetTimestamp(), out _);

        // A sends an SR with a CNAME; it reaches B 40 ms later.
        var buffer = new byte[256];
        RtcpSenderReport.TryWrite(buffer, A, a.Sender.CreateSenderInfo(0), [], out int sr);
        RtcpSourceDescription.TryWriteCname(buffer.AsSpan(sr), A, "alice@voipkit", out int sdes);
        byte[] fromA = buffer[..(sr + sdes)];
        _time.Advance(oneWay);
        Assert.Equal(RtcpReadResult.Ok, b.Rtcp.Receive(fromA, _time.GetTimestamp()));
        Assert.Equal("alice@voipkit", System.Text.Encoding.UTF8.GetString(b.Rtcp.RemoteCname));

        // B holds it 200 ms, then sends an RR whose block carries LSR/DLSR; 40 ms later at A.
        _time.Advance(hold);
        Assert.True(b.Rtp.TryCreateReportBlock(_time.GetTimestamp(), out RtcpReportBlock block));
        Assert.Equal(NtpTimestamp.TimeSpanToShortFormat(hold), block.DelaySinceLastSenderReport);
        RtcpReceiverReport.TryWrite(buffer, B, [block], out int rr);
        _time.Advance(oneWay);
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(buffer.AsSpan(0, rr), _time.GetTimestamp()));

        Assert.NotNull(a.Sender.RoundTripTime);
        // NTP short format has 1/65536 s resolution.
        Assert.InRange(a.Sender.RoundTripTime!.Value.TotalMilliseconds, 80 - 0.05, 80 + 0.05);
        Assert.Equal(block, a.Sender.LastRemoteReport);
    }

    [Fact]
    public void Feedback_reaches_the_handler_and_reports_from_strangers_are_ignored()
    {
        var recorder = new Recorder();
        var a = new Peer(A, _time, recorder);
        a.Rtp.Receive(RtpReceiverTests.Packet(B, 1), 0, out _);
        var buffer = new byte[256];

        RtcpGenericNack.TryWriteLost(buffer, B, A, [5, 6, 9], out int n);
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(buffer.AsSpan(0, n), 0));
        Assert.Equal([5, 6, 9], recorder.Nacked);

        RtcpTransportWideFeedback.TryWrite(buffer, B, A, 0, 0, [new(7, TwccStatus.ReceivedSmallDelta, 1), new(8, TwccStatus.NotReceived, 0)], out n);
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(buffer.AsSpan(0, n), 0));
        Assert.Equal(2, recorder.Twcc.Count);

        // An RR from a third SSRC: counted, its block not used.
        RtcpReceiverReport.TryWrite(buffer, 0xCCCC, [new RtcpReportBlock(A, 0, 0, 0, 0, 1, 1)], out n);
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(buffer.AsSpan(0, n), 0));
        Assert.Equal(1, a.Rtcp.PacketsFromUnknownSsrc);
        Assert.Null(a.Sender.LastRemoteReport);
    }

    [Fact]
    public void Bad_datagrams_are_counted_and_the_next_good_one_goes_through()
    {
        var a = new Peer(A, _time);
        a.Rtp.Receive(RtpReceiverTests.Packet(B, 1), 0, out _);
        var buffer = new byte[64];
        RtcpReceiverReport.TryWrite(buffer, B, [new RtcpReportBlock(A, 1, 2, 3, 4, 0, 0)], out int n);
        byte[] good = buffer[..n];

        Assert.Equal(RtcpReadResult.TooShort, a.Rtcp.Receive([0x80], 0));
        Assert.Equal(RtcpReadResult.BadVersion, a.Rtcp.Receive([0x40, 201, 0, 1, 0, 0, 0, 1], 0));
        Assert.Equal(RtcpReadResult.LengthOverrun, a.Rtcp.Receive(good.AsSpan(0, n - 4), 0));
        // A valid compound with a bad body inside: the bad packet is counted and skipped, the good one used.
        byte[] mixed = [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x41, 0x42, .. good];
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(mixed, 0));
        Assert.Equal(1, a.Rtcp.GetCount(RtcpReadResult.MalformedItem));
        Assert.Equal(1, a.Rtcp.GetCount(RtcpReadResult.TooShort));
        Assert.Equal(1, a.Rtcp.GetCount(RtcpReadResult.BadVersion));
        Assert.Equal(1, a.Rtcp.GetCount(RtcpReadResult.LengthOverrun));
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(good, 0));
        Assert.Equal(2, a.Rtcp.GetCount(RtcpReadResult.Ok));
        Assert.Equal(new RtcpReportBlock(A, 1, 2, 3, 4, 0, 0), a.Sender.LastRemoteReport);
        Assert.Null(a.Sender.RoundTripTime); // no LSR yet
    }

    [Fact]
    public void Bye_from_the_remote_lets_its_new_ssrc_in()
    {
        var a = new Peer(A, _time);
        a.Rtp.Receive(RtpReceiverTests.Packet(B, 1), 0, out _);
        var buffer = new byte[64];
        RtcpGoodbye.TryWrite(buffer, [B], "restart"u8, out int n);
        Assert.Equal(RtcpReadResult.Ok, a.Rtcp.Receive(buffer.AsSpan(0, n), 0));
        Assert.Equal(RtpReceiveResult.NewSource, a.Rtp.Receive(RtpReceiverTests.Packet(0xB3B3, 100), 0, out _));
    }
}
