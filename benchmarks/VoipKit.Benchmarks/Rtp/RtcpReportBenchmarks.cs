using BenchmarkDotNet.Attributes;
using VoipKit.Media.Rtcp;

namespace VoipKit.Benchmarks.Rtp;

/// <summary>An SR (1 block) + RR (1 block) + SDES (CNAME) compound: build and parse.</summary>
[MemoryDiagnoser]
public class RtcpReportBenchmarks
{
    private static readonly byte[] Cname = "voipkit-7f3a9c2e@example.invalid"u8.ToArray();
    private readonly byte[] _buffer = new byte[1500];
    private readonly RtcpReportBlock[] _blocks = [new RtcpReportBlock(0xAAAA, 12, 34, 0x0001_0203, 56, 0x1234_5678, 0x0001_0000)];
    private byte[] _compound = [];

    [GlobalSetup]
    public void Setup() => _compound = _buffer[..Build()];

    [Benchmark]
    public int Build()
    {
        var info = new RtcpSenderInfo(new NtpTimestamp(0xE5A1_0000_8000_0000), 960_000, 1000, 160_000);
        RtcpSenderReport.TryWrite(_buffer, 0x1111, info, _blocks, out int sr);
        RtcpReceiverReport.TryWrite(_buffer.AsSpan(sr), 0x1111, _blocks, out int rr);
        RtcpSourceDescription.TryWriteCname(_buffer.AsSpan(sr + rr), 0x1111, Cname, out int sdes);
        return sr + rr + sdes;
    }

    [Benchmark]
    public long Parse()
    {
        long sum = 0;
        RtcpCompoundPacket.TryRead(_compound, allowReducedSize: false, out RtcpCompoundPacket compound);
        foreach (RtcpPacket packet in compound)
        {
            switch (packet.PacketType)
            {
                case RtcpPacketType.SenderReport:
                    RtcpSenderReport.TryRead(packet, out RtcpSenderReport sr);
                    sum += (long)sr.SenderInfo.NtpTimestamp.Value + sr.GetReportBlock(0).Jitter;
                    break;
                case RtcpPacketType.ReceiverReport:
                    RtcpReceiverReport.TryRead(packet, out RtcpReceiverReport rr);
                    sum += rr.GetReportBlock(0).CumulativeLost;
                    break;
                case RtcpPacketType.SourceDescription:
                    RtcpSourceDescription.TryRead(packet, out RtcpSourceDescription sdes);
                    foreach (RtcpSdesChunk chunk in sdes.GetChunks())
                    {
                        chunk.TryGetItem(RtcpSdesItemType.Cname, out ReadOnlySpan<byte> cname);
                        sum += cname.Length;
                    }

                    break;
            }
        }

        return sum;
    }
}
