using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using VoipKit.Transport;
using VoipKit.Transport.Stun;

namespace VoipKit.Benchmarks.Stun;

/// <summary>
/// STUN message codec on RFC 5769's samples: parse a Binding response and read its XOR-MAPPED-ADDRESS, write an
/// ICE connectivity check (USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT), verify
/// MESSAGE-INTEGRITY and FINGERPRINT.
/// </summary>
[MemoryDiagnoser]
public class StunBenchmarks
{
    private static readonly byte[] Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643" +
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");

    private static readonly byte[] Request = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff" +
        "80290008932ff9b151263b36000600096576746a3a6836765920202000080014" +
        "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");

    private readonly byte[] _key = StunIntegrity.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    private readonly byte[] _transactionId = RandomNumberGenerator.GetBytes(12);
    private readonly byte[] _buffer = new byte[256];
    private StunHmacSha1Key _preparedKey = null!;

    [GlobalSetup]
    public void Setup() => _preparedKey = new StunHmacSha1Key(_key);

    [GlobalCleanup]
    public void Cleanup() => _preparedKey.Dispose();

    [Benchmark]
    public int ParseBindingResponse()
    {
        StunMessage.TryParse(Response, out StunMessage m);
        m.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint mapped);
        return mapped.Port;
    }

    [Benchmark]
    public int WriteRequestWithIntegrityAndFingerprint()
    {
        var w = new StunMessageWriter(_buffer, StunMessageType.BindingRequest, _transactionId);
        w.AddString(StunAttributeType.Username, "evtj:h6vY");
        w.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        w.AddUInt64(StunAttributeType.IceControlling, 0x932ff9b151263b36);
        w.AddMessageIntegrity(_key);
        w.AddFingerprint();
        w.TryComplete(out int length);
        return length;
    }

    /// <summary>The same with the key's HMAC states prepared once (<see cref="StunHmacSha1Key"/>), as an ICE pair or TURN allocation would.</summary>
    [Benchmark]
    public int WriteRequestWithPreparedKey()
    {
        var w = new StunMessageWriter(_buffer, StunMessageType.BindingRequest, _transactionId);
        w.AddString(StunAttributeType.Username, "evtj:h6vY");
        w.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        w.AddUInt64(StunAttributeType.IceControlling, 0x932ff9b151263b36);
        w.AddMessageIntegrity(_preparedKey);
        w.AddFingerprint();
        w.TryComplete(out int length);
        return length;
    }

    [Benchmark]
    public bool ParseAndVerifyIntegrityWithPreparedKey()
    {
        StunMessage.TryParse(Request, out StunMessage m);
        return StunIntegrity.VerifyMessageIntegrity(m, _preparedKey);
    }

    [Benchmark]
    public bool ParseAndVerifyIntegrity()
    {
        StunMessage.TryParse(Request, out StunMessage m);
        return StunIntegrity.VerifyMessageIntegrity(m, _key);
    }

    [Benchmark]
    public bool ParseAndVerifyFingerprint()
    {
        StunMessage.TryParse(Request, out StunMessage m);
        return StunIntegrity.VerifyFingerprint(m);
    }
}
