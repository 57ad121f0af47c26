using BenchmarkDotNet.Attributes;
using VoipKit.Audio;
using VoipKit.Media.Rtp;

namespace VoipKit.Benchmarks.Media;

/// <summary>
/// The per-packet receive path of a call: SRTP unprotect (AEAD_AES_128_GCM), RTP parse, jitter
/// buffer insert, and playout of the frame. The sender's protect is part of each operation (SRTP
/// refuses replays, so every packet must be new); subtract the SRTP protect figure, and the Opus
/// decode figure from <see cref="OpusCodecBenchmarks"/>, to get the buffer's own cost.
/// </summary>
[MemoryDiagnoser]
public class ReceivePathBenchmarks : ReceivePathBase
{
    private readonly byte[] _packet = new byte[1500];
    private readonly short[] _frame = new short[AudioFormat.SamplesPerFrame];
    private ushort _sequence;
    private uint _timestamp;
    private long _n;

    [Benchmark]
    public int ProtectUnprotectInsertPull()
    {
        byte[] payload = Payloads[_n % Payloads.Length];
        RtpPacketWriter.TryWrite(_packet, new RtpHeader(111, _sequence++, _timestamp, 0x1234), payload, out int length);
        _timestamp += AudioFormat.SamplesPerFrame;
        Sender.Protect(_packet, length, out int protectedLength);
        Receiver.Unprotect(_packet, protectedLength, out int rtpLength);
        RtpPacket.TryRead(_packet.AsSpan(0, rtpLength), out RtpPacket rtp);
        TimeSpan now = TimeSpan.FromMilliseconds(20 * _n++);
        Jitter.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Payload, now);
        return (int)Jitter.Pull(_frame, now + TimeSpan.FromMilliseconds(5));
    }
}
