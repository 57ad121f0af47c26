using BenchmarkDotNet.Attributes;
using VoipKit.Media.Rtcp;

namespace VoipKit.Benchmarks.Rtp;

/// <summary>Transport-wide feedback for 100 packets (every 10th lost, 20 ms apart) and a generic NACK: build and parse.</summary>
[MemoryDiagnoser]
public class RtcpFeedbackBenchmarks
{
    private readonly byte[] _buffer = new byte[1500];
    private readonly long[] _arrivals = new long[100];
    private readonly TwccPacketReport[] _reports = new TwccPacketReport[100];
    private readonly ushort[] _lost = [100, 101, 105, 130, 131];
    private byte[] _twcc = [];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _arrivals.Length; i++)
        {
            _arrivals[i] = i % 10 == 5 ? -1 : 1_000_000 + (i * 20_000) + (i % 3 * 700);
        }

        _twcc = _buffer[..BuildTransportWide()];
    }

    [Benchmark]
    public int BuildTransportWide()
    {
        RtcpTransportWideFeedback.TryComputeReports(5000, _arrivals, _reports, out int reference);
        RtcpTransportWideFeedback.TryWrite(_buffer, 1, 2, reference, 0, _reports, out int written);
        return written;
    }

    [Benchmark]
    public long ParseTransportWide()
    {
        long sum = 0;
        RtcpCompoundPacket.TryRead(_twcc, allowReducedSize: true, out RtcpCompoundPacket compound);
        foreach (RtcpPacket packet in compound)
        {
            RtcpTransportWideFeedback.TryRead(packet, out RtcpTransportWideFeedback feedback);
            foreach (TwccPacketReport report in feedback)
            {
                sum += report.Delta;
            }
        }

        return sum;
    }

    [Benchmark]
    public int BuildGenericNack()
    {
        RtcpGenericNack.TryWriteLost(_buffer, 1, 2, _lost, out int written);
        return written;
    }
}
