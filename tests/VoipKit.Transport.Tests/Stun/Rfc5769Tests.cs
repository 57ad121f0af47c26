using System.Net;
using System.Text;
using VoipKit.Transport.Stun;
using static VoipKit.Transport.Tests.Stun.StunTestVectors;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>RFC 5769's sample messages: parse, check integrity and fingerprint, write them again byte for byte.</summary>
public class Rfc5769Tests
{
    private static readonly byte[] ShortTermKey = StunIntegrity.ShortTermKey(ShortTermPassword);

    [Fact]
    public void Sample_request_parses_and_verifies()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Request, out StunMessage m));
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.Equal(TransactionId, m.TransactionId.ToArray());
        Assert.True(m.TryGetAttribute(StunAttributeType.Software, out ReadOnlySpan<byte> software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.True(m.TryGetAttribute(StunAttributeType.Username, out ReadOnlySpan<byte> username));
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(username));
        Assert.True(m.TryGetUInt32(StunAttributeType.Priority, out uint priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(m.TryGetUInt64(StunAttributeType.IceControlled, out ulong tieBreaker));
        Assert.Equal(0x932ff9b151263b36ul, tieBreaker);
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, ShortTermKey));
        Assert.False(StunIntegrity.VerifyMessageIntegrity(m, "wrong"u8));
        Assert.True(StunIntegrity.VerifyFingerprint(m));
        Assert.Equal(0, m.GetUnknownComprehensionRequired([]));
    }

    [Fact]
    public void Sample_request_is_written_byte_for_byte()
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId) { PaddingByte = 0x20 };
        w.AddString(StunAttributeType.Software, "STUN test client");
        w.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        w.AddUInt64(StunAttributeType.IceControlled, 0x932ff9b151263b36);
        w.AddString(StunAttributeType.Username, "evtj:h6vY");
        w.AddMessageIntegrity(ShortTermKey);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(Convert.ToHexString(Request), Convert.ToHexString(buffer, 0, length));
    }

    [Theory]
    [InlineData(false, "192.0.2.1:32853")]
    [InlineData(true, "[2001:db8:1234:5678:11:2233:4455:6677]:32853")]
    public void Sample_responses_parse_verify_and_are_written_byte_for_byte(bool ipv6, string mapped)
    {
        byte[] vector = ipv6 ? IPv6Response : IPv4Response;
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(vector, out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.True(m.TryGetAddress(StunAttributeType.XorMappedAddress, out StunEndPoint endPoint));
        Assert.Equal(IPEndPoint.Parse(mapped), endPoint.ToIPEndPoint());
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, ShortTermKey));
        Assert.True(StunIntegrity.VerifyFingerprint(m));

        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, TransactionId) { PaddingByte = 0x20 };
        w.AddString(StunAttributeType.Software, "test vector");
        w.AddXorAddress(StunAttributeType.XorMappedAddress, StunEndPoint.FromIPEndPoint(IPEndPoint.Parse(mapped)));
        w.AddMessageIntegrity(ShortTermKey);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(Convert.ToHexString(vector), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Password_saslprep_gives_TheMatrIX()
    {
        Assert.Equal("TheMatrIX", Saslprep.Prepare(LongTermPassword));
        Assert.Equal(
            StunIntegrity.LongTermKey(LongTermUsername, LongTermRealm, "TheMatrIX"),
            StunIntegrity.LongTermKey(LongTermUsername, LongTermRealm, LongTermPassword));
    }

    [Fact]
    public void Long_term_request_parses_verifies_and_is_written_byte_for_byte()
    {
        byte[] key = StunIntegrity.LongTermKey(LongTermUsername, LongTermRealm, LongTermPassword);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(LongTermRequest, out StunMessage m));
        Assert.True(m.TryGetAttribute(StunAttributeType.Username, out ReadOnlySpan<byte> username));
        Assert.Equal(LongTermUsername, Encoding.UTF8.GetString(username));
        Assert.True(m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce));
        Assert.Equal(LongTermNonce, Encoding.UTF8.GetString(nonce));
        Assert.True(m.TryGetAttribute(StunAttributeType.Realm, out ReadOnlySpan<byte> realm));
        Assert.Equal(LongTermRealm, Encoding.UTF8.GetString(realm));
        Assert.False(m.HasFingerprint);
        Assert.False(StunIntegrity.VerifyFingerprint(m));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, key));
        Assert.False(StunIntegrity.VerifyMessageIntegrity(m, StunIntegrity.LongTermKey(LongTermUsername, LongTermRealm, "thematrix")));

        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, m.TransactionId);
        w.AddString(StunAttributeType.Username, LongTermUsername);
        w.AddString(StunAttributeType.Nonce, LongTermNonce);
        w.AddString(StunAttributeType.Realm, LongTermRealm);
        w.AddMessageIntegrity(key);
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(Convert.ToHexString(LongTermRequest), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Any_changed_byte_fails_integrity_or_fingerprint()
    {
        for (int i = 0; i < Request.Length; i++)
        {
            byte[] copy = (byte[])Request.Clone();
            copy[i] ^= 0x01;
            if (StunMessage.TryParse(copy, out StunMessage m) == StunParseResult.Ok)
            {
                Assert.False(StunIntegrity.VerifyMessageIntegrity(m, ShortTermKey) && StunIntegrity.VerifyFingerprint(m), $"byte {i}");
            }
        }
    }
}
