using BenchmarkDotNet.Attributes;
using VoipKit.Crypto;
using VoipKit.Media.Jitter;

namespace VoipKit.Benchmarks.Media;

/// <summary>What both receive-path benchmarks start from: speech packets, a sender and a receiver SRTP context, a jitter buffer.</summary>
public abstract class ReceivePathBase
{
    private protected byte[][] Payloads { get; private set; } = [];

    private protected SrtpContext Sender { get; private set; } = null!;

    private protected SrtpContext Receiver { get; private set; } = null!;

    private protected JitterBuffer Jitter { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Payloads = BenchmarkSpeech.OpusPayloads(50);
        byte[] key = new byte[16], salt = new byte[12];
        Sender = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        Receiver = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
        Jitter = new JitterBuffer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Sender.Dispose();
        Receiver.Dispose();
        Jitter.Dispose();
    }
}
