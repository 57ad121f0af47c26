using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;
using VoipKit.Media.Tests.Rtcp;

namespace VoipKit.Media.Tests.Rtp;

/// <summary>The per-packet paths must not allocate (the benchmarks measure it too; this keeps it from regressing).</summary>
public class AllocationTests
{
    // A collection expression at the call site can allocate in a Debug build; the library must not.
    private static readonly uint[] Csrcs = [1, 2];

    [Fact]
    public void Reading_writing_and_receiving_allocate_nothing()
    {
        byte[] rtp = new RtpModel(new RtpHeader(111, 1, 2, 0xAAAA), [7], RtpHeaderExtensionForm.OneByte, [(3, [1, 2])], 0, [], new byte[160], 0).Write();
        byte[] rtcp =
        [
            .. RtcpBasicPacketTests.Write(new ReportModel(1, new RtcpSenderInfo(new NtpTimestamp(5), 6, 7, 8), [new RtcpReportBlock(2, 3, 4, 5, 6, 7, 8)])),
            .. RtcpBasicPacketTests.Write(new SdesModel([(1, [(RtcpSdesItemType.Cname, [0x61])])])),
        ];
        byte[] bad = [0x80, 0, 0];
        var output = new byte[1500];
        var receiver = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = 1, MinSequential = 1 }, TimeProvider.System);
        long sum = Run(rtp, rtcp, bad, output, receiver, 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += Run(rtp, rtcp, bad, output, receiver, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sum);
    }

    private static long Run(byte[] rtp, byte[] rtcp, byte[] bad, byte[] output, RtpReceiver receiver, int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            RtpPacket.TryRead(rtp, out RtpPacket p);
            p.TryGetExtension(3, out ReadOnlySpan<byte> ext);
            sum += p.SequenceNumber + ext.Length + p.GetCsrc(0);
            RtpPacketWriter.TryCreate(output, p.Header, Csrcs, out RtpPacketWriter w);
            w.TryAddExtension(3, ext);
            w.TryWritePayload(p.Payload);
            w.TryComplete(4, out int n);
            sum += n;
            sum += (int)receiver.Receive(bad, 0, out _);
            sum += (int)receiver.Receive(rtp, 0, out _);
            receiver.TryCreateReportBlock(0, out RtcpReportBlock block);
            RtcpCompoundPacket.TryRead(rtcp, false, out RtcpCompoundPacket c);
            foreach (RtcpPacket packet in c)
            {
                if (RtcpSenderReport.TryRead(packet, out RtcpSenderReport sr) == RtcpReadResult.Ok)
                {
                    sum += sr.GetReportBlock(0).Jitter;
                }

                if (RtcpSourceDescription.TryRead(packet, out RtcpSourceDescription sdes) == RtcpReadResult.Ok)
                {
                    foreach (RtcpSdesChunk chunk in sdes.GetChunks())
                    {
                        chunk.TryGetItem(RtcpSdesItemType.Cname, out ReadOnlySpan<byte> cname);
                        sum += cname.Length;
                    }
                }
            }

            RtcpReceiverReport.TryWrite(output, 1, [block], out n);
            sum += n;
        }

        return sum;
    }
}
