using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Authentication;

public class SipDigestChallengeTests
{
    [Fact]
    public void Parses_every_directive()
    {
        SipAuthValue v = SipAuthValue.Parse("Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", qop=\"auth, auth-int\", "
            + "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=TRUE, algorithm=SHA-256-sess, charset=UTF-8, userhash=true, x-ext=1");
        Assert.True(SipDigestChallenge.TryParse(v, out SipDigestChallenge? c));
        Assert.Equal("atlanta.com", c.Realm);
        Assert.Equal("sip:ss1.carrier.com", c.Domain);
        Assert.Equal(["auth", "auth-int"], c.Qop);
        Assert.Equal("f84f1cec41e6cbe5aea9c8e88d359", c.Nonce);
        Assert.Equal("", c.Opaque);
        Assert.True(c.Stale);
        Assert.Equal(SipDigestAlgorithm.Sha256Sess, c.Algorithm);
        Assert.True(c.IsSupported);
        Assert.Equal("UTF-8", c.Charset);
        Assert.True(c.UserHash);
    }

    [Fact]
    public void Defaults_to_md5_without_qop()
    {
        Assert.True(SipDigestChallenge.TryParse(SipAuthValue.Parse("Digest realm=\"r\", nonce=\"n\""), out SipDigestChallenge? c));
        Assert.Equal(SipDigestAlgorithm.Md5, c.Algorithm);
        Assert.Equal("MD5", c.AlgorithmName);
        Assert.Empty(c.Qop);
        Assert.False(c.Stale);
        Assert.Null(c.Opaque);
    }

    [Fact]
    public void Unknown_algorithm_parses_but_is_not_supported()
    {
        Assert.True(SipDigestChallenge.TryParse(SipAuthValue.Parse("Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5"), out SipDigestChallenge? c));
        Assert.False(c.IsSupported);
        Assert.Null(c.Algorithm);
        Assert.Equal("AKAv1-MD5", c.AlgorithmName);
    }

    [Theory]
    [InlineData("Digest nonce=\"n\"")]
    [InlineData("Digest realm=\"r\"")]
    [InlineData("Digest realm=\"\", nonce=\"n\"")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", realm=\"s\"")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", qop=\",\"")]
    [InlineData("Basic realm=\"r\", nonce=\"n\"")]
    public void Rejects_bad_challenges(string text) => Assert.False(SipDigestChallenge.TryParse(SipAuthValue.Parse(text), out _));

    [Fact]
    public void Round_trips_through_text()
    {
        var c = new SipDigestChallenge("voipkit.test", "abc/def+", SipDigestAlgorithm.Sha512_256, ["auth", "auth-int"], "op\"aque", stale: true);
        string text = c.ToString();
        Assert.StartsWith("Digest realm=\"voipkit.test\"", text, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA-512-256", text, StringComparison.Ordinal);
        Assert.True(SipDigestChallenge.TryParse(SipAuthValue.Parse(text), out SipDigestChallenge? back));
        Assert.Equal(c.Realm, back.Realm);
        Assert.Equal(c.Nonce, back.Nonce);
        Assert.Equal(c.Algorithm, back.Algorithm);
        Assert.Equal(c.Qop, back.Qop);
        Assert.Equal(c.Opaque, back.Opaque);
        Assert.True(back.Stale);
    }

    [Fact]
    public void Password_never_appears_in_ToString()
    {
        var credentials = new SipCredentials("alice", "hunter2-Secret", "voipkit.test");
        Assert.DoesNotContain("hunter2", credentials.ToString(), StringComparison.Ordinal);
        Assert.Contains("alice", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", (credentials with { Realm = null }).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", SipDigestSecret.FromPassword("hunter2-Secret").ToString(), StringComparison.Ordinal);
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Md5, "alice", "voipkit.test", "hunter2-Secret");
        Assert.DoesNotContain(ha1, SipDigestSecret.FromHa1(SipDigestAlgorithm.Md5, ha1).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", new SipDigestClient(credentials).ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_match_their_realm_or_any()
    {
        Assert.True(new SipCredentials("a", "p").Matches("x"));
        Assert.True(new SipCredentials("a", "p", "x").Matches("x"));
        Assert.False(new SipCredentials("a", "p", "x").Matches("X"));
    }
}
