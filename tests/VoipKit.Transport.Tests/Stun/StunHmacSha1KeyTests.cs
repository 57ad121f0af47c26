using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

#pragma warning disable CA5350 // MESSAGE-INTEGRITY is HMAC-SHA1: the BCL's is the reference here.
public class StunHmacSha1KeyTests
{
    // RFC 2202 section 3, test cases 1, 2, 3, 6 (key longer than the block).
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b617318655057264e28bc0b6fb378c8ef146be00")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    public void Rfc_2202_vectors(string key, string data, string mac)
    {
        using var prepared = new StunHmacSha1Key(Convert.FromHexString(key));
        var result = new byte[20];
        prepared.Compute(Convert.FromHexString(data), result);
        Assert.Equal(mac, Convert.ToHexString(result), ignoreCase: true);
    }

    [Fact]
    public void Rfc_2202_long_key_vector()
    {
        using var prepared = new StunHmacSha1Key(Enumerable.Repeat((byte)0xaa, 80).ToArray());
        var result = new byte[20];
        prepared.Compute(Encoding.ASCII.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First"), result);
        Assert.Equal("aa4ae5e15272d00e95705637ce8a3b55ed402112", Convert.ToHexString(result), ignoreCase: true);
    }

    [Property(MaxTest = 300)]
    public Property Equals_the_bcl_hmac_for_any_key_and_length() =>
        Prop.ForAll(Gen.Choose(0, 150).ToArbitrary(), Gen.Choose(0, 400).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (keyLength, length, seed) =>
        {
            var random = new Random(seed);
            byte[] key = new byte[keyLength];
            byte[] data = new byte[length];
            random.NextBytes(key);
            random.NextBytes(data);
            using var prepared = new StunHmacSha1Key(key);
            var mac = new byte[20];
            prepared.Compute(data, mac);
            return mac.AsSpan().SequenceEqual(HMACSHA1.HashData(key, data));
        });

    [Fact]
    public void Writer_and_verifier_with_a_prepared_key_match_the_rfc_5769_request()
    {
        using var key = new StunHmacSha1Key(StunIntegrity.ShortTermKey(StunTestVectors.ShortTermPassword));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(StunTestVectors.Request, out StunMessage m));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, key));
        using var wrong = new StunHmacSha1Key("wrong"u8);
        Assert.False(StunIntegrity.VerifyMessageIntegrity(m, wrong));

        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTestVectors.TransactionId) { PaddingByte = 0x20 };
        w.AddString(StunAttributeType.Software, "STUN test client");
        w.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        w.AddUInt64(StunAttributeType.IceControlled, 0x932ff9b151263b36);
        w.AddString(StunAttributeType.Username, "evtj:h6vY");
        w.AddMessageIntegrity(key);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(StunTestVectors.Request, buffer[..length]);
    }

    [Fact]
    public void Disposed_key_is_wiped_and_refuses_use()
    {
        var key = new StunHmacSha1Key([1, 2, 3]);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Compute([], new byte[20]));
    }
}
