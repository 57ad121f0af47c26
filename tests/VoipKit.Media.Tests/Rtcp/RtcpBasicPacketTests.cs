using FsCheck.Xunit;
using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public class RtcpBasicPacketTests
{
    internal static RtcpPacket Single(byte[] bytes, bool reducedSize = true)
    {
        Assert.Equal(RtcpReadResult.Ok, RtcpCompoundPacket.TryRead(bytes, reducedSize, out RtcpCompoundPacket compound));
        RtcpPacketEnumerator e = compound.GetEnumerator();
        Assert.True(e.MoveNext());
        RtcpPacket p = e.Current;
        Assert.False(e.MoveNext());
        return p;
    }

    internal static byte[] Write(ReportModel m)
    {
        var buffer = new byte[1500];
        int n;
        Assert.True(m.SenderInfo is { } info
            ? RtcpSenderReport.TryWrite(buffer, m.Ssrc, info, m.Blocks, out n)
            : RtcpReceiverReport.TryWrite(buffer, m.Ssrc, m.Blocks, out n));
        return buffer[..n];
    }

    internal static byte[] Write(SdesModel m)
    {
        var buffer = new byte[16000];
        var w = new RtcpSourceDescriptionWriter(buffer);
        foreach ((uint ssrc, (RtcpSdesItemType type, byte[] value)[] items) in m.Chunks)
        {
            Assert.True(w.TryAddChunk(ssrc));
            foreach ((RtcpSdesItemType type, byte[] value) in items)
            {
                Assert.True(w.TryAddItem(type, value));
            }
        }

        Assert.True(w.TryComplete(out int n));
        return buffer[..n];
    }

    internal static byte[] Write(ByeModel m)
    {
        var buffer = new byte[500];
        Assert.True(RtcpGoodbye.TryWrite(buffer, m.Sources, m.Reason, out int n));
        return buffer[..n];
    }

    internal static bool Matches(ReportModel m, RtcpPacket p)
    {
        var blocks = new List<RtcpReportBlock>();
        uint ssrc;
        if (m.SenderInfo is { } info)
        {
            if (RtcpSenderReport.TryRead(p, out RtcpSenderReport sr) != RtcpReadResult.Ok || sr.SenderInfo != info || !sr.ProfileExtension.IsEmpty)
            {
                return false;
            }

            ssrc = sr.Ssrc;
            for (int i = 0; i < sr.ReportCount; i++)
            {
                blocks.Add(sr.GetReportBlock(i));
            }
        }
        else
        {
            if (RtcpReceiverReport.TryRead(p, out RtcpReceiverReport rr) != RtcpReadResult.Ok || !rr.ProfileExtension.IsEmpty)
            {
                return false;
            }

            ssrc = rr.Ssrc;
            for (int i = 0; i < rr.ReportCount; i++)
            {
                blocks.Add(rr.GetReportBlock(i));
            }
        }

        return ssrc == m.Ssrc && blocks.SequenceEqual(m.Blocks) && p.SenderSsrc == m.Ssrc;
    }

    internal static bool Matches(SdesModel m, RtcpPacket p)
    {
        if (RtcpSourceDescription.TryRead(p, out RtcpSourceDescription sdes) != RtcpReadResult.Ok || sdes.ChunkCount != m.Chunks.Length)
        {
            return false;
        }

        int c = 0;
        foreach (RtcpSdesChunk chunk in sdes.GetChunks())
        {
            (uint ssrc, (RtcpSdesItemType type, byte[] value)[] items) = m.Chunks[c++];
            if (chunk.Ssrc != ssrc)
            {
                return false;
            }

            int i = 0;
            foreach (RtcpSdesItem item in chunk)
            {
                if (i >= items.Length || item.Type != items[i].type || !item.Value.SequenceEqual(items[i].value))
                {
                    return false;
                }

                i++;
            }

            if (i != items.Length)
            {
                return false;
            }
        }

        return c == m.Chunks.Length;
    }

    internal static bool Matches(ByeModel m, RtcpPacket p)
    {
        if (RtcpGoodbye.TryRead(p, out RtcpGoodbye bye) != RtcpReadResult.Ok || bye.SourceCount != m.Sources.Length || !bye.Reason.SequenceEqual(m.Reason))
        {
            return false;
        }

        for (int i = 0; i < m.Sources.Length; i++)
        {
            if (bye.GetSource(i) != m.Sources[i] || !bye.Contains(m.Sources[i]))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(RtcpArbitraries)])]
    public bool Sender_and_receiver_reports_round_trip(ReportModel m) => Matches(m, Single(Write(m), reducedSize: false));

    [Property(Arbitrary = [typeof(RtcpArbitraries)])]
    public bool Sdes_round_trips_and_is_word_aligned(SdesModel m)
    {
        byte[] bytes = Write(m);
        return bytes.Length % 4 == 0 && Matches(m, Single(bytes));
    }

    [Property(Arbitrary = [typeof(RtcpArbitraries)])]
    public bool Bye_round_trips_and_is_word_aligned(ByeModel m)
    {
        byte[] bytes = Write(m);
        return bytes.Length % 4 == 0 && Matches(m, Single(bytes));
    }

    [Property(Arbitrary = [typeof(RtcpArbitraries)], MaxTest = 200)]
    public bool Compound_of_report_sdes_bye_round_trips(ReportModel report, SdesModel sdes, ByeModel bye)
    {
        byte[] bytes = [.. Write(report), .. Write(sdes), .. Write(bye)];
        if (RtcpCompoundPacket.TryRead(bytes, allowReducedSize: false, out RtcpCompoundPacket compound) != RtcpReadResult.Ok)
        {
            return false;
        }

        RtcpPacketEnumerator e = compound.GetEnumerator();
        return e.MoveNext() && Matches(report, e.Current)
            && e.MoveNext() && Matches(sdes, e.Current)
            && e.MoveNext() && Matches(bye, e.Current)
            && !e.MoveNext();
    }

    [Fact]
    public void Sender_report_known_bytes()
    {
        var block = new RtcpReportBlock(0x11223344, 0x40, -2, 0x0001FFFF, 0x10, 0xAABBCCDD, 0x00010000);
        var info = new RtcpSenderInfo(new NtpTimestamp(0x0102030405060708), 0x0A0B0C0D, 7, 1000);
        var buffer = new byte[52];
        Assert.True(RtcpSenderReport.TryWrite(buffer, 0xCAFEBABE, info, [block], out int n));
        Assert.Equal(52, n);
        Assert.Equal(
            [
                0x81, 200, 0x00, 0x0C, 0xCA, 0xFE, 0xBA, 0xBE,
                0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0, 0, 0, 7, 0, 0, 0x03, 0xE8,
                0x11, 0x22, 0x33, 0x44, 0x40, 0xFF, 0xFF, 0xFE, 0x00, 0x01, 0xFF, 0xFF, 0, 0, 0, 0x10, 0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x01, 0x00, 0x00,
            ],
            buffer);
    }

    [Fact]
    public void Cumulative_loss_is_clamped_to_24_bits_on_write()
    {
        var buffer = new byte[32];
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 1, [new RtcpReportBlock(2, 0, 10_000_000, 0, 0, 0, 0)], out int n));
        RtcpReceiverReport.TryRead(Single(buffer[..n]), out RtcpReceiverReport rr);
        Assert.Equal(RtcpReportBlock.MaxCumulativeLost, rr.GetReportBlock(0).CumulativeLost);
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 1, [new RtcpReportBlock(2, 0, -10_000_000, 0, 0, 0, 0)], out n));
        RtcpReceiverReport.TryRead(Single(buffer[..n]), out rr);
        Assert.Equal(RtcpReportBlock.MinCumulativeLost, rr.GetReportBlock(0).CumulativeLost);
    }

    [Fact]
    public void Cname_text_round_trips()
    {
        var buffer = new byte[64];
        Assert.True(RtcpSourceDescription.TryWriteCname(buffer, 0x1234, "user@host-é", out int n));
        Assert.Equal(0, n % 4);
        RtcpSourceDescription.TryRead(Single(buffer[..n]), out RtcpSourceDescription sdes);
        foreach (RtcpSdesChunk chunk in sdes.GetChunks())
        {
            Assert.Equal(0x1234u, chunk.Ssrc);
            Assert.True(chunk.TryGetItem(RtcpSdesItemType.Cname, out ReadOnlySpan<byte> cname));
            Assert.Equal("user@host-é", System.Text.Encoding.UTF8.GetString(cname));
            Assert.False(chunk.TryGetItem(RtcpSdesItemType.Name, out _));
        }
    }

    [Fact]
    public void Ntp_timestamp_conversions()
    {
        var t = new DateTimeOffset(2026, 11, 25, 3, 0, 0, 500, TimeSpan.Zero);
        NtpTimestamp ntp = NtpTimestamp.FromDateTimeOffset(t);
        Assert.Equal(0x80000000u, ntp.Fraction);
        Assert.Equal(t, ntp.ToDateTimeOffset());
        Assert.Equal((uint)((ntp.Seconds << 16) | 0x8000), ntp.ShortFormat);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), NtpTimestamp.ShortFormatToTimeSpan(0x00018000));
        Assert.Equal(0x00018000u, NtpTimestamp.TimeSpanToShortFormat(TimeSpan.FromMilliseconds(1500)));
    }

    [Property]
    public bool Ntp_timestamp_round_trips_through_date_time_to_100_ns(uint seconds, uint fraction)
    {
        var ntp = new NtpTimestamp(((ulong)seconds << 32) | fraction);
        NtpTimestamp back = NtpTimestamp.FromDateTimeOffset(ntp.ToDateTimeOffset());
        // 100 ns ticks are coarser than 2^-32 s: the round trip may lose up to one tick (~430 units).
        return back.Seconds == ntp.Seconds && ntp.Fraction - back.Fraction <= 430 && back.Fraction <= ntp.Fraction;
    }
}
