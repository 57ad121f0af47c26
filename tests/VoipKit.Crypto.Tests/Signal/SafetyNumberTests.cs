using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class SafetyNumberTests
{
    private static readonly SignalPublicKey AliceIdentity = SignalPublicKey.Parse(B("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868"));
    private static readonly SignalPublicKey BobIdentity = SignalPublicKey.Parse(B("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b"));

    [Fact]
    public void Matches_libsignal_displayable_fingerprint_vector()
    {
        // libsignal-protocol-c tests/test_fingerprint.c, test_vectors_v0 (5200 iterations).
        const string expected = "300354477692869396892869876765458257569162576843440918079131";
        Assert.Equal(expected, SafetyNumber.Compute("+14152222222", AliceIdentity, "+14153333333", BobIdentity));
        Assert.Equal(expected, SafetyNumber.Compute("+14153333333", BobIdentity, "+14152222222", AliceIdentity));
    }

    [Fact]
    public void Changes_when_a_key_or_identifier_changes()
    {
        string original = SafetyNumber.Compute("+14152222222", AliceIdentity, "+14153333333", BobIdentity);
        using SignalKeyPair mitm = SignalKeyPair.Generate();
        Assert.NotEqual(original, SafetyNumber.Compute("+14152222222", AliceIdentity, "+14153333333", mitm.PublicKey));
        Assert.NotEqual(original, SafetyNumber.Compute("+14152222222", AliceIdentity, "+14153333334", BobIdentity));
        Assert.Equal(60, original.Length);
        Assert.All(original, c => Assert.InRange(c, '0', '9'));
    }
}
