using BenchmarkDotNet.Attributes;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Jitter;
using VoipKit.Media.Rtp;

namespace VoipKit.Benchmarks.Media;

/// <summary>
/// The per-packet receive path of a call: SRTP unprotect (AEAD_AES_128_GCM), RTP parse, jitter
/// buffer insert, and playout of the frame. The sender's protect is part of each operation (SRTP
/// refuses replays, so every packet must be new); subtract the SRTP protect figure, and the Opus
/// decode figure from <see cref="OpusCodecBenchmarks"/>, to get the buffer's own cost.
/// </summary>
[MemoryDiagnoser]
public class ReceivePathBenchmarks
{
    private byte[][] _payloads = [];
    private readonly byte[] _packet = new byte[1500];
    private readonly short[] _frame = new short[AudioFormat.SamplesPerFrame];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private JitterBuffer _jitter = null!;
    private ushort _sequence;
    private uint _timestamp;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _payloads = BenchmarkSpeech.OpusPayloads(50);
        byte[] key = new byte[16], salt = new byte[12];
        _sender = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        _receiver = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        _jitter = new JitterBuffer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _jitter.Dispose();
    }

    [Benchmark]
    public int ProtectUnprotectInsertPull()
    {
        byte[] payload = _payloads[_n % _payloads.Length];
        RtpPacketWriter.TryWrite(_packet, new RtpHeader(111, _sequence++, _timestamp, 0x1234), payload, out int length);
        _timestamp += AudioFormat.SamplesPerFrame;
        _sender.Protect(_packet, length, out int protectedLength);
        _receiver.Unprotect(_packet, protectedLength, out int rtpLength);
        RtpPacket.TryRead(_packet.AsSpan(0, rtpLength), out RtpPacket rtp);
        TimeSpan now = TimeSpan.FromMilliseconds(20 * _n++);
        _jitter.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Payload, now);
        return (int)_jitter.Pull(_frame, now + TimeSpan.FromMilliseconds(5));
    }
}
