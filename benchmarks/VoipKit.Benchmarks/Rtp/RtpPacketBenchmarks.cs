using BenchmarkDotNet.Attributes;
using VoipKit.Media.Rtp;

namespace VoipKit.Benchmarks.Rtp;

/// <summary>RTP header read/write for a typical Opus packet: 12-byte header, transport-wide sequence extension, 160-byte payload.</summary>
[MemoryDiagnoser]
public class RtpPacketBenchmarks
{
    private const byte TransportSequenceId = 3;
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _buffer = new byte[1500];
    private byte[] _packet = [];
    private RtpReceiver _receiver = null!;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_payload);
        _packet = _buffer[..Write()];
        _receiver = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = 1, MinSequential = 1 }, TimeProvider.System);
    }

    [Benchmark]
    public int WriteHeaderExtensionPayload() => Write();

    [Benchmark]
    public int ReadHeader()
    {
        RtpPacket.TryRead(_packet, out RtpPacket p);
        return p.SequenceNumber + (int)p.Timestamp + (int)p.Ssrc + p.PayloadType + p.Payload.Length;
    }

    [Benchmark]
    public int ReadHeaderAndTransportSequence()
    {
        RtpPacket.TryRead(_packet, out RtpPacket p);
        TransportSequenceNumberExtension.TryRead(p, TransportSequenceId, out ushort twcc);
        return p.SequenceNumber + twcc + p.Payload.Length;
    }

    /// <summary>The whole receive path: parse, SSRC filter, A.1 sequence and A.8 jitter updates.</summary>
    [Benchmark]
    public RtpReceiveResult ReceiverReceive()
    {
        // Rewrite the sequence number so every call is an in-order packet.
        _sequence++;
        _packet[2] = (byte)(_sequence >> 8);
        _packet[3] = (byte)_sequence;
        return _receiver.Receive(_packet, 0, out _);
    }

    private int Write()
    {
        RtpPacketWriter.TryCreate(_buffer, new RtpHeader(111, 4242, 960_000, 0x12345678, true), [], out RtpPacketWriter w);
        TransportSequenceNumberExtension.TryAdd(ref w, TransportSequenceId, 777);
        w.TryWritePayload(_payload);
        w.TryComplete(0, out int length);
        return length;
    }
}
