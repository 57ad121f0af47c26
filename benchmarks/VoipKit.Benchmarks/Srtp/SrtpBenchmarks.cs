using BenchmarkDotNet.Attributes;
using VoipKit.Crypto;

namespace VoipKit.Benchmarks.Srtp;

/// <summary>
/// SRTP protect and unprotect of a 12-byte header + 160-byte payload (20 ms of G.711, or a
/// typical Opus frame), per suite, with AES on AES-NI (managed) or through the BCL. The same
/// workload as <c>benchmarks/native/srtp-bench.c</c> runs on libsrtp2: the sender's sequence
/// number advances every packet; the receiver unprotects fresh packets in order (steady state,
/// replay window and ROC tracking included).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(PoolSize)]
public class SrtpBenchmarks
{
    private const int PoolSize = 16384;
    private const int Stride = 256;
    private const int RtpLength = 172;

    private SrtpContext _sender = null!;
    private SrtpContext _poolSender = null!;
    private SrtpContext _receiver = null!;
    private readonly byte[] _buffer = new byte[Stride];
    private readonly byte[] _pool = new byte[PoolSize * Stride];
    private readonly int[] _poolLengths = new int[PoolSize];
    private ushort _seq;
    private ushort _poolSeq;
    private int _next;

    /// <summary>The suite, by the short names srtp-bench.c prints.</summary>
    [Params("cm80", "cm32", "gcm128", "gcm256")]
    public string Suite { get; set; } = "cm80";

    private SrtpProtectionProfile Profile => Suite switch
    {
        "cm80" => SrtpProtectionProfile.AesCm128HmacSha1Tag80,
        "cm32" => SrtpProtectionProfile.AesCm128HmacSha1Tag32,
        "gcm128" => SrtpProtectionProfile.AeadAes128Gcm,
        _ => SrtpProtectionProfile.AeadAes256Gcm,
    };

    /// <summary>"AES-NI": managed AES-NI/PCLMULQDQ; "BCL": System.Security.Cryptography (OpenSSL) AES-ECB / AesGcm.</summary>
    [Params("AES-NI", "BCL")]
    public string Aes { get; set; } = "AES-NI";

    [GlobalSetup]
    public void Setup()
    {
        _sender = Create();
        _poolSender = Create();
        _receiver = Create();
        _buffer[0] = 0x80;
        _buffer[1] = 111;
        _buffer[8] = 0x12;
        _buffer[11] = 0x34;
        for (int i = 12; i < RtpLength; i++)
        {
            _buffer[i] = (byte)i;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _poolSender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        ushort seq = ++_seq;
        _buffer[2] = (byte)(seq >> 8);
        _buffer[3] = (byte)seq;
        _sender.Protect(_buffer, RtpLength, out int length);
        return length;
    }

    /// <summary>Protects the next <see cref="PoolSize"/> packets (not measured).</summary>
    [IterationSetup(Target = nameof(Unprotect))]
    public void RefillPool()
    {
        for (int i = 0; i < PoolSize; i++)
        {
            Span<byte> packet = _pool.AsSpan(i * Stride, Stride);
            _buffer.AsSpan(0, RtpLength).CopyTo(packet);
            ushort seq = ++_poolSeq;
            packet[2] = (byte)(seq >> 8);
            packet[3] = (byte)seq;
            _poolSender.Protect(packet, RtpLength, out _poolLengths[i]);
        }

        _next = 0;
    }

    [Benchmark]
    public SrtpResult Unprotect()
    {
        int i = _next++;
        return _receiver.Unprotect(_pool.AsSpan(i * Stride, Stride), _poolLengths[i], out _);
    }

    private SrtpContext Create()
    {
        byte[] key = new byte[Profile.MasterKeyLength()];
        byte[] salt = new byte[Profile.MasterSaltLength()];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i + 1);
        }

        return Aes == "AES-NI"
            ? new SrtpContext(Profile, key, salt)
            : SrtpContext.CreateForBenchmark(Profile, key, salt, allowIntrinsics: false);
    }
}
