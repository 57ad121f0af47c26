using FsCheck.Xunit;
using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpFeedbackTests
{
    internal static byte[] Write(NackModel m)
    {
        var buffer = new byte[1500];
        Assert.True(RtcpGenericNack.TryWrite(buffer, m.Sender, m.Media, m.Items, out int n));
        return buffer[..n];
    }

    internal static byte[] Write(TwccModel m)
    {
        var buffer = new byte[70_000];
        Assert.True(RtcpTransportWideFeedback.TryWrite(buffer, m.Sender, m.Media, m.ReferenceTime, m.FeedbackCount, m.Packets, out int n));
        return buffer[..n];
    }

    internal static List<TwccPacketReport> ReadAll(RtcpTransportWideFeedback fb)
    {
        var list = new List<TwccPacketReport>();
        foreach (TwccPacketReport r in fb)
        {
            list.Add(r);
        }

        return list;
    }

    [Property(Arbitrary = [typeof(FeedbackArbitraries)])]
    public bool Generic_nack_round_trips(NackModel m)
    {
        if (RtcpGenericNack.TryRead(RtcpBasicPacketTests.Single(Write(m)), out RtcpGenericNack nack) != RtcpReadResult.Ok
            || nack.SenderSsrc != m.Sender || nack.MediaSsrc != m.Media || nack.ItemCount != m.Items.Length)
        {
            return false;
        }

        var items = new RtcpNackItem[nack.ItemCount];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = nack.GetItem(i);
        }

        return items.SequenceEqual(m.Items);
    }

    [Property(Arbitrary = [typeof(FeedbackArbitraries)])]
    public bool Lost_list_round_trips_through_packed_items(LostListModel m)
    {
        var buffer = new byte[1500];
        Assert.True(RtcpGenericNack.TryWriteLost(buffer, 1, 2, m.Lost, out int n));
        RtcpGenericNack.TryRead(RtcpBasicPacketTests.Single(buffer[..n]), out RtcpGenericNack nack);
        var lost = new ushort[17 * nack.ItemCount];
        int count = nack.CopyLostSequenceNumbers(lost);
        var items = new RtcpNackItem[nack.ItemCount];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = nack.GetItem(i);
        }

        return lost.AsSpan(0, count).SequenceEqual(m.Lost) && m.Lost.All(s => items.Any(item => item.IsLost(s)));
    }

    [Fact]
    public void Generic_nack_known_bytes_across_wrap()
    {
        var buffer = new byte[32];
        Assert.True(RtcpGenericNack.TryWriteLost(buffer, 0x01020304, 0x05060708, [65534, 65535, 0, 15, 16, 40], out int n));
        Assert.Equal(
            [0x81, 205, 0, 5, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0xFE, 0x00, 0x03, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x28, 0x00, 0x00],
            buffer[..n]);
    }

    [Property(Arbitrary = [typeof(FeedbackArbitraries)], MaxTest = 150)]
    public bool Transport_wide_feedback_round_trips(TwccModel m)
    {
        byte[] bytes = Write(m);
        if (bytes.Length % 4 != 0
            || RtcpTransportWideFeedback.TryRead(RtcpBasicPacketTests.Single(bytes), out RtcpTransportWideFeedback fb) != RtcpReadResult.Ok)
        {
            return false;
        }

        return fb.SenderSsrc == m.Sender && fb.MediaSsrc == m.Media && fb.ReferenceTime == m.ReferenceTime
            && fb.FeedbackPacketCount == m.FeedbackCount && fb.BaseSequenceNumber == m.Packets[0].SequenceNumber
            && fb.PacketStatusCount == m.Packets.Length && ReadAll(fb).SequenceEqual(m.Packets);
    }

    [Fact]
    public void Transport_wide_feedback_known_bytes_two_bit_vector()
    {
        // Statuses small(4), lost, large(-1): one 2-bit vector chunk 11 01 00 10 00 00 00 00 = 0xD200,
        // deltas 04 FF FF, then 3 zero bytes to the word boundary: 28 bytes, length field 6.
        var m = new TwccModel(1, 2, -1, 7, [new(100, TwccStatus.ReceivedSmallDelta, 4), new(101, TwccStatus.NotReceived, 0), new(102, TwccStatus.ReceivedLargeDelta, -1)]);
        Assert.Equal(
            [
                0x8F, 205, 0, 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 100, 0, 3, 0xFF, 0xFF, 0xFF, 7,
                0xD2, 0x00, 0x04, 0xFF, 0xFF, 0, 0, 0,
            ],
            Write(m));
    }

    [Fact]
    public void Transport_wide_feedback_known_bytes_run_length_and_one_bit_vector()
    {
        // 21 small deltas: run-length chunk 0 01 0000000010101 = 0x2015; then lost, received:
        // 1-bit vector 1 0 01 000000000000 = 0x9000.
        var packets = Enumerable.Range(0, 20).Select(i => new TwccPacketReport((ushort)i, TwccStatus.ReceivedSmallDelta, 1))
            .Append(new TwccPacketReport(20, TwccStatus.ReceivedSmallDelta, 2))
            .Append(new TwccPacketReport(21, TwccStatus.NotReceived, 0))
            .Append(new TwccPacketReport(22, TwccStatus.ReceivedSmallDelta, 3)).ToArray();
        byte[] bytes = Write(new TwccModel(1, 2, 0, 0, packets));
        Assert.Equal([0x20, 0x15, 0x90, 0x00], bytes[20..24]);
        Assert.Equal([.. Enumerable.Repeat((byte)1, 20), 2, 3], bytes[24..46]);
        Assert.Equal(48, bytes.Length);
    }

    [Fact]
    public void Reports_from_arrival_times_do_not_drift()
    {
        var reports = new TwccPacketReport[5];
        Assert.True(RtcpTransportWideFeedback.TryComputeReports(65535, [64_100, -1, 64_600, 200_000, 200_249], reports, out int reference));
        Assert.Equal(1, reference); // 64.1 ms -> one 64 ms unit
        Assert.Equal(
            [
                new(65535, TwccStatus.ReceivedSmallDelta, 0),  // 64100/250 = 256 units = reference
                new(0, TwccStatus.NotReceived, 0),
                new(1, TwccStatus.ReceivedSmallDelta, 2),      // 258 - 256
                new(2, TwccStatus.ReceivedLargeDelta, 542),    // 800 - 258 > 255
                new(3, TwccStatus.ReceivedSmallDelta, 0),      // 200249 truncates to 800 too
            ],
            reports);
        Assert.False(RtcpTransportWideFeedback.TryComputeReports(0, [0, 9_000_000], reports, out _));
    }

    public static TheoryData<string, byte[], RtcpReadResult> BadFeedback => new()
    {
        { "NACK without items", [0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2], RtcpReadResult.MalformedFeedback },
        { "TWCC cut in fixed part", [0x8F, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1], RtcpReadResult.MalformedFeedback },
        { "TWCC count without chunks", [0x8F, 205, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0], RtcpReadResult.MalformedFeedback },
        { "TWCC delta missing", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0x20, 0x03, 1, 2], RtcpReadResult.MalformedFeedback },
        { "TWCC large delta cut", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x40, 0x01, 1, 0], RtcpReadResult.Ok },
        { "TWCC large delta missing", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0x40, 0x02, 1, 0], RtcpReadResult.MalformedFeedback },
        { "TWCC reserved symbol in run", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x01, 0, 0], RtcpReadResult.MalformedFeedback },
        { "TWCC reserved symbol in vector", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0xF0, 0x00, 0, 0], RtcpReadResult.MalformedFeedback },
        { "TWCC zero run", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x00, 0x00, 0, 0], RtcpReadResult.MalformedFeedback },
        { "TWCC huge run, no deltas", [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0x3F, 0xFF, 0, 0], RtcpReadResult.MalformedFeedback },
        { "FMT 3 is neither", [0x83, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2], RtcpReadResult.WrongType },
    };

    [Theory]
    [MemberData(nameof(BadFeedback))]
    public void Bad_feedback_gives_a_typed_result(string name, byte[] packet, RtcpReadResult expected)
    {
        Assert.NotNull(name);
        RtcpPacket p = RtcpBasicPacketTests.Single(packet);
        RtcpReadResult actual = p.Count == 1 ? RtcpGenericNack.TryRead(p, out _) : RtcpTransportWideFeedback.TryRead(p, out RtcpTransportWideFeedback fb);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Transport_sequence_number_extension_round_trips()
    {
        var buffer = new byte[64];
        Assert.True(RtpPacketWriter.TryCreate(buffer, new RtpHeader(111, 1, 2, 3), [], out RtpPacketWriter w));
        Assert.True(TransportSequenceNumberExtension.TryAdd(ref w, 5, 0xBEEF));
        Assert.True(w.TryWritePayload([1, 2, 3]));
        Assert.True(w.TryComplete(0, out int n));
        // ID 5, L=1 (2 bytes), then the big-endian number, padded to a word.
        Assert.Equal([0xBE, 0xDE, 0, 1, 0x51, 0xBE, 0xEF, 0], buffer[12..20]);
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(buffer.AsSpan(0, n), out RtpPacket p));
        Assert.True(TransportSequenceNumberExtension.TryRead(p, 5, out ushort seq));
        Assert.Equal(0xBEEF, seq);
        Assert.False(TransportSequenceNumberExtension.TryRead(p, 6, out _));
        Assert.False(TransportSequenceNumberExtension.TryRead([1, 2, 3], out _));
    }

    [Property]
    public bool Transport_sequence_number_extension_round_trips_for_any_value_and_id(ushort sequence, byte rawId, bool twoByte)
    {
        byte id = twoByte ? (byte)Math.Max((byte)1, rawId) : (byte)(1 + (rawId % 14));
        var buffer = new byte[64];
        RtpPacketWriter.TryCreate(buffer, new RtpHeader(111, 1, 2, 3), [], out RtpPacketWriter w, twoByte ? RtpHeaderExtensionForm.TwoByte : RtpHeaderExtensionForm.OneByte);
        TransportSequenceNumberExtension.TryAdd(ref w, id, sequence);
        w.TryComplete(0, out int n);
        return RtpPacket.TryRead(buffer.AsSpan(0, n), out RtpPacket p) == RtpReadResult.Ok
            && TransportSequenceNumberExtension.TryRead(p, id, out ushort read)
            && read == sequence;
    }
}
