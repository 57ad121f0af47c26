using BenchmarkDotNet.Attributes;
using VoipKit.Audio;
using VoipKit.Media.Jitter;
using VoipKit.Media.Rtp;

namespace VoipKit.Benchmarks.Media;

/// <summary>
/// The per-packet receive path without the Opus decode: SRTP unprotect (AEAD_AES_128_GCM) of a
/// fresh packet, RTP parse, jitter buffer insert (delay estimate included) and the pull of the
/// next encoded frame (<see cref="JitterBuffer.PullEncoded"/>). Packets are protected ahead of
/// each iteration (not measured), as a receiver gets them fresh from the network; arrivals
/// carry 0–15 ms of jitter so the delay estimator does real work. Target: ≤ 1 µs, 0 B.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(PoolSize)]
public class ReceivePathNoDecodeBenchmarks : ReceivePathBase
{
    private const int PoolSize = 16384;
    private const int Stride = 256;

    private readonly byte[] _pool = new byte[PoolSize * Stride];
    private readonly int[] _poolLengths = new int[PoolSize];
    private readonly byte[] _frame = new byte[1500];
    private readonly byte[] _build = new byte[Stride];
    private ushort _sequence;
    private uint _timestamp;
    private long _built;
    private long _received;
    private int _next;

    /// <summary>Protects the next <see cref="PoolSize"/> packets (not measured).</summary>
    [IterationSetup]
    public void RefillPool()
    {
        for (int i = 0; i < PoolSize; i++)
        {
            byte[] payload = Payloads[_built++ % Payloads.Length];
            RtpPacketWriter.TryWrite(_build, new RtpHeader(111, _sequence++, _timestamp, 0x1234), payload, out int length);
            _timestamp += AudioFormat.SamplesPerFrame;
            Span<byte> packet = _pool.AsSpan(i * Stride, Stride);
            _build.AsSpan(0, length).CopyTo(packet);
            Sender.Protect(packet, length, out _poolLengths[i]);
        }

        _next = 0;
    }

    [Benchmark]
    public int UnprotectInsertPullEncoded()
    {
        int i = _next++;
        Span<byte> packet = _pool.AsSpan(i * Stride, Stride);
        Receiver.Unprotect(packet, _poolLengths[i], out int rtpLength);
        RtpPacket.TryRead(packet[..rtpLength], out RtpPacket rtp);
        long n = _received++;
        // 20 ms spacing plus a repeating 0–15 ms jitter pattern.
        TimeSpan arrival = TimeSpan.FromTicks((n * 200_000) + ((n * 7919 % 16) * 10_000));
        Jitter.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Payload, arrival);
        return Jitter.PullEncoded(_frame, arrival + TimeSpan.FromMilliseconds(1));
    }
}
