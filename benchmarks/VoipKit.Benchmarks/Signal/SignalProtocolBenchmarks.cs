using BenchmarkDotNet.Attributes;
using VoipKit.Crypto.Signal;

namespace VoipKit.Benchmarks.Signal;

/// <summary>
/// Signal protocol costs: X3DH session start with the first message, and Double Ratchet
/// encrypt+decrypt of a 200-byte message (same direction, and alternating directions where
/// every message is a DH ratchet step). In-memory stores: the figures include serializing the
/// session record on every store.
/// </summary>
[MemoryDiagnoser]
public class SignalProtocolBenchmarks
{
    private static readonly SignalProtocolAddress AliceAddress = new("alice", 1);
    private static readonly SignalProtocolAddress BobAddress = new("bob", 1);

    private readonly byte[] _message = new byte[200];
    private SignalKeyPair _aliceIdentity = null!;
    private SignalKeyPair _bobIdentity = null!;
    private SignedPreKeyRecord _bobSignedPreKey = null!;
    private PreKeyBundle _bundle = null!;
    private SessionCipher _aliceCipher = null!;
    private SessionCipher _bobCipher = null!;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_message);
        _aliceIdentity = KeyHelper.GenerateIdentityKeyPair();
        _bobIdentity = KeyHelper.GenerateIdentityKeyPair();
        _bobSignedPreKey = KeyHelper.GenerateSignedPreKey(_bobIdentity, 1, TimeProvider.System);
        _bundle = new PreKeyBundle(2, 1, null, null, 1, _bobSignedPreKey.KeyPair.PublicKey, _bobSignedPreKey.Signature.Span, _bobIdentity.PublicKey);

        InMemorySignalProtocolStore alice = NewAliceStore();
        InMemorySignalProtocolStore bob = NewBobStore();
        new SessionBuilder(alice, BobAddress).ProcessPreKeyBundle(_bundle);
        _aliceCipher = new SessionCipher(alice, BobAddress);
        _bobCipher = new SessionCipher(bob, AliceAddress);
        _bobCipher.Decrypt(_aliceCipher.Encrypt(_message));
        _aliceCipher.Decrypt(_bobCipher.Encrypt(_message));
    }

    /// <summary>Alice: verify the bundle's signature, X3DH, first ratchet step, encrypt a 200-byte prekey message.</summary>
    [Benchmark]
    public CiphertextMessage X3dhInitiateAndFirstMessage()
    {
        InMemorySignalProtocolStore alice = NewAliceStore();
        new SessionBuilder(alice, BobAddress).ProcessPreKeyBundle(_bundle);
        return new SessionCipher(alice, BobAddress).Encrypt(_message);
    }

    /// <summary>Both sides: the above plus Bob's X3DH, DH ratchet step and decryption of the prekey message.</summary>
    [Benchmark]
    public byte[] X3dhFullHandshake()
    {
        InMemorySignalProtocolStore alice = NewAliceStore();
        new SessionBuilder(alice, BobAddress).ProcessPreKeyBundle(_bundle);
        CiphertextMessage first = new SessionCipher(alice, BobAddress).Encrypt(_message);
        return new SessionCipher(NewBobStore(), AliceAddress).Decrypt(first);
    }

    /// <summary>Encrypt 200 bytes and decrypt them on the other side, same direction (symmetric chain step).</summary>
    [Benchmark]
    public byte[] RatchetEncryptDecrypt200() => _bobCipher.Decrypt(_aliceCipher.Encrypt(_message));

    /// <summary>One message each way per call: every message starts a new chain (DH ratchet step).</summary>
    [Benchmark]
    public byte[] RatchetPingPong200()
    {
        _bobCipher.Decrypt(_aliceCipher.Encrypt(_message));
        return _aliceCipher.Decrypt(_bobCipher.Encrypt(_message));
    }

    /// <summary>XEdDSA signature of a signed prekey (constant-time scalar and point arithmetic; rare operation).</summary>
    [Benchmark]
    public byte[] XEdDsaSign() => _bobIdentity.Sign(_bobSignedPreKey.KeyPair.PublicKey.Serialized);

    private InMemorySignalProtocolStore NewAliceStore() => new(_aliceIdentity, 1);

    private InMemorySignalProtocolStore NewBobStore()
    {
        var store = new InMemorySignalProtocolStore(_bobIdentity, 2);
        store.StoreSignedPreKey(_bobSignedPreKey);
        return store;
    }
}
