using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpBadInputTests
{
    private static readonly byte[] EmptyRr = [0x80, 201, 0, 1, 0, 0, 0, 1];

    public static TheoryData<string, byte[], bool, RtcpReadResult> BadCompounds => new()
    {
        { "empty", [], true, RtcpReadResult.TooShort },
        { "3 bytes", [0x80, 201, 0], true, RtcpReadResult.TooShort },
        { "version 1", [0x40, 201, 0, 1, 0, 0, 0, 1], true, RtcpReadResult.BadVersion },
        { "length past end", [0x80, 201, 0, 2, 0, 0, 0, 1], true, RtcpReadResult.LengthOverrun },
        { "max length", [0x80, 201, 0xFF, 0xFF, 0, 0, 0, 1], true, RtcpReadResult.LengthOverrun },
        { "trailing 2 bytes", [.. EmptyRr, 0x80, 202], true, RtcpReadResult.TooShort },
        { "second packet bad version", [.. EmptyRr, 0x00, 202, 0, 0], true, RtcpReadResult.BadVersion },
        { "padding count 0", [0xA0, 201, 0, 1, 0, 0, 0, 0], true, RtcpReadResult.BadPadding },
        { "padding into header", [0xA0, 201, 0, 1, 0, 0, 0, 8], true, RtcpReadResult.BadPadding },
        { "padding not last", [0xA0, 201, 0, 1, 0, 0, 0, 4, .. EmptyRr], true, RtcpReadResult.PaddingNotLast },
        { "BYE first, full size", [0x80, 203, 0, 0], false, RtcpReadResult.FirstNotReport },
        { "NACK first, full size", [0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2], false, RtcpReadResult.FirstNotReport },
    };

    [Theory]
    [MemberData(nameof(BadCompounds))]
    public void Bad_compounds_give_a_typed_result(string name, byte[] datagram, bool reducedSize, RtcpReadResult expected)
    {
        Assert.NotNull(name);
        Assert.Equal(expected, RtcpCompoundPacket.TryRead(datagram, reducedSize, out RtcpCompoundPacket c));
        Assert.True(c.Span.IsEmpty);
    }

    [Fact]
    public void Reduced_size_accepts_a_lone_feedback_packet()
    {
        byte[] nack = [0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 0];
        Assert.Equal(RtcpReadResult.Ok, RtcpCompoundPacket.TryRead(nack, allowReducedSize: true, out _));
    }

    [Fact]
    public void Padding_on_the_last_packet_is_stripped()
    {
        byte[] datagram = [.. EmptyRr, 0xA0, 203, 0, 1, 0, 0, 0, 4];
        Assert.Equal(RtcpReadResult.Ok, RtcpCompoundPacket.TryRead(datagram, false, out RtcpCompoundPacket c));
        RtcpPacketEnumerator e = c.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.MoveNext());
        Assert.Equal(RtcpPacketType.Goodbye, e.Current.PacketType);
        Assert.True(e.Current.Body.IsEmpty);
        Assert.Equal(RtcpReadResult.Ok, RtcpGoodbye.TryRead(e.Current, out RtcpGoodbye bye));
        Assert.Equal(0, bye.SourceCount);
    }

    public static TheoryData<string, byte[], RtcpReadResult> BadBodies => new()
    {
        { "SR with RC 1 and no block", [0x81, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], RtcpReadResult.CountOverrun },
        { "SR cut before sender info", [0x80, 200, 0, 1, 0, 0, 0, 1], RtcpReadResult.CountOverrun },
        { "RR with RC 31", [0x9F, 201, 0, 1, 0, 0, 0, 1], RtcpReadResult.CountOverrun },
        { "RR without SSRC", [0x80, 201, 0, 0], RtcpReadResult.CountOverrun },
        { "SDES no terminator", [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 0x41, 0x42], RtcpReadResult.MalformedItem },
        { "SDES item past end", [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x41, 0x42], RtcpReadResult.MalformedItem },
        { "SDES two chunks, one present", [0x82, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0], RtcpReadResult.MalformedItem },
        { "SDES chunk cut in SSRC", [0x81, 202, 0, 0], RtcpReadResult.MalformedItem },
        { "BYE count past end", [0x82, 203, 0, 1, 0, 0, 0, 1], RtcpReadResult.CountOverrun },
        { "BYE reason past end", [0x81, 203, 0, 2, 0, 0, 0, 1, 9, 0x41, 0x42, 0x43], RtcpReadResult.MalformedItem },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void Bad_bodies_give_a_typed_result(string name, byte[] packet, RtcpReadResult expected)
    {
        Assert.NotNull(name);
        RtcpPacket p = RtcpBasicPacketTests.Single(packet);
        RtcpReadResult actual = p.PacketType switch
        {
            RtcpPacketType.SenderReport => RtcpSenderReport.TryRead(p, out _),
            RtcpPacketType.ReceiverReport => RtcpReceiverReport.TryRead(p, out _),
            RtcpPacketType.SourceDescription => RtcpSourceDescription.TryRead(p, out _),
            RtcpPacketType.Goodbye => RtcpGoodbye.TryRead(p, out _),
            _ => RtcpReadResult.Ok,
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Readers_reject_the_wrong_type()
    {
        RtcpPacket p = RtcpBasicPacketTests.Single(EmptyRr);
        Assert.Equal(RtcpReadResult.WrongType, RtcpSenderReport.TryRead(p, out _));
        Assert.Equal(RtcpReadResult.WrongType, RtcpSourceDescription.TryRead(p, out _));
        Assert.Equal(RtcpReadResult.WrongType, RtcpGoodbye.TryRead(p, out _));
        Assert.Equal(RtcpReadResult.Ok, RtcpReceiverReport.TryRead(p, out _));
    }

    [Fact]
    public void Every_truncation_of_a_valid_compound_reads_without_throwing()
    {
        byte[] full =
        [
            .. RtcpBasicPacketTests.Write(new ReportModel(1, new RtcpSenderInfo(new NtpTimestamp(5), 6, 7, 8), [new RtcpReportBlock(2, 3, 4, 5, 6, 7, 8)])),
            .. RtcpBasicPacketTests.Write(new SdesModel([(1, [(RtcpSdesItemType.Cname, [0x61, 0x62, 0x63])])])),
            .. RtcpBasicPacketTests.Write(new ByeModel([1], [0x62, 0x79, 0x65])),
        ];
        for (int n = 0; n <= full.Length; n++)
        {
            // Also as if it were the end of a bigger datagram cut anywhere.
            RtcpReadResult r = RtcpCompoundPacket.TryRead(full.AsSpan(0, n), false, out RtcpCompoundPacket c);
            if (r == RtcpReadResult.Ok)
            {
                foreach (RtcpPacket p in c)
                {
                    _ = RtcpSenderReport.TryRead(p, out _);
                    _ = RtcpSourceDescription.TryRead(p, out _);
                    _ = RtcpGoodbye.TryRead(p, out _);
                }
            }
        }
    }
}
