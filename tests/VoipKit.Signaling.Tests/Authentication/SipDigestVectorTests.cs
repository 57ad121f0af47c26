using System.Text;
using VoipKit.Signaling.Authentication;

namespace VoipKit.Signaling.Tests.Authentication;

/// <summary>The digest computation against published examples and values computed with coreutils/OpenSSL.</summary>
public class SipDigestVectorTests
{
    private const string Rfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Rfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    // RFC 7616 3.9.1: GET /dir/index.html, Mufasa / "Circle of Life", realm http-auth@example.org, qop=auth, nc=1.
    [Theory]
    [InlineData(SipDigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(SipDigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_example(SipDigestAlgorithm algorithm, string expected)
    {
        string ha1 = SipDigest.Ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");
        Assert.Equal(expected, SipDigest.Response(algorithm, ha1, Rfc7616Nonce, 1, Rfc7616Cnonce, "auth", "GET", "/dir/index.html", default));
    }

    // RFC 2617 3.5: realm testrealm@host.com, password "Circle Of Life".
    [Fact]
    public void Rfc2617_example()
    {
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        Assert.Equal("6629fae49393a05397450978507c4ef1",
            SipDigest.Response(SipDigestAlgorithm.Md5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", 1, "0a4f113b", "auth", "GET", "/dir/index.html", default));
    }

    // SHA-512-256 with the RFC 7616 3.9.2 inputs (UTF-8 username), expected value computed with
    // `openssl dgst -sha512-256` step by step: HA1=H("Jäsøn Doe:api@example.org:Secret, or not?"), HA2=H("GET:/doc/"),
    // H(HA1:nonce:00000001:cnonce:auth:HA2).
    [Fact]
    public void Sha512_256_response_matches_openssl()
    {
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Sha512_256, "Jäsøn Doe", "api@example.org", "Secret, or not?");
        Assert.Equal("9bd7522221dd4f145c46ce70965aa0455887c7562ff053e0c07f1b677d64c56c",
            SipDigest.Response(SipDigestAlgorithm.Sha512_256, ha1, "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", 1,
                "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", "auth", "GET", "/doc/", default));
    }

    // A SIP REGISTER, computed by hand in a shell:
    //   HA1=$(printf %s 'alice:voipkit.test:s3cr3t p@ss' | md5sum)          -> fbe1eb4bfdc19c74332f742bc97a02b0
    //   HA2=$(printf %s 'REGISTER:sip:voipkit.test' | md5sum)               -> 6e8902a27bf4b32bf70a59dae09969f9
    //   printf %s "$HA1:4f2a9c1e7b:00000001:0a1b2c3d:auth:$HA2" | md5sum   -> d8df5ca8a14bedb04587962f6c8abd36
    //   (nc 00000002 -> 26c7178c..., no qop: "$HA1:4f2a9c1e7b:$HA2" -> ec21919d..., MD5-sess: HA1'=H(HA1:nonce:cnonce) -> f671272c...)
    [Theory]
    [InlineData(SipDigestAlgorithm.Md5, 1u, "auth", "d8df5ca8a14bedb04587962f6c8abd36")]
    [InlineData(SipDigestAlgorithm.Md5, 2u, "auth", "26c7178cbf34a5adda9c8b02c5c667e7")]
    [InlineData(SipDigestAlgorithm.Md5, 0u, null, "ec21919d2b82d880cc35302ec788610a")]
    [InlineData(SipDigestAlgorithm.Md5Sess, 1u, "auth", "f671272c8010ea177766e7eab2afbe0a")]
    public void Sip_register_hand_computed(SipDigestAlgorithm algorithm, uint nc, string? qop, string expected)
    {
        string ha1 = SipDigest.Ha1(algorithm, "alice", "voipkit.test", "s3cr3t p@ss");
        Assert.Equal("fbe1eb4bfdc19c74332f742bc97a02b0", ha1);
        string? cnonce = qop is null ? null : "0a1b2c3d";
        Assert.Equal(expected, SipDigest.Response(algorithm, ha1, "4f2a9c1e7b", nc, cnonce, qop, "REGISTER", "sip:voipkit.test", default));
    }

    // auth-int hashes the body: HA2 = H("INVITE:sip:bob@voipkit.test:" H(body)), body "v=0\r\n", SHA-256 via sha256sum.
    [Fact]
    public void Auth_int_hashes_the_body()
    {
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Sha256, "alice", "voipkit.test", "s3cr3t p@ss");
        Assert.Equal("59bad0b5d0b3cdcf92696fec862b7cb94db9daff2efd1a71487b0729aabb5c69",
            SipDigest.Response(SipDigestAlgorithm.Sha256, ha1, "4f2a9c1e7b", 1, "0a1b2c3d", "auth-int", "INVITE", "sip:bob@voipkit.test", Encoding.ASCII.GetBytes("v=0\r\n")));
    }

    [Theory]
    [InlineData("MD5", SipDigestAlgorithm.Md5)]
    [InlineData("md5-SESS", SipDigestAlgorithm.Md5Sess)]
    [InlineData("SHA-256", SipDigestAlgorithm.Sha256)]
    [InlineData("SHA-256-sess", SipDigestAlgorithm.Sha256Sess)]
    [InlineData("SHA-512-256", SipDigestAlgorithm.Sha512_256)]
    [InlineData("SHA-512-256-sess", SipDigestAlgorithm.Sha512_256Sess)]
    public void Algorithm_names(string name, SipDigestAlgorithm algorithm)
    {
        Assert.True(SipDigestAlgorithms.TryParse(name, out SipDigestAlgorithm parsed));
        Assert.Equal(algorithm, parsed);
        Assert.Equal(name, SipDigestAlgorithms.GetName(algorithm), StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("SHA-512")]
    [InlineData("AKAv1-MD5")]
    [InlineData("")]
    public void Unknown_algorithm_names(string name) => Assert.False(SipDigestAlgorithms.TryParse(name, out _));
}
