using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using static VoipKit.Signaling.Tests.Authentication.AuthTestKit;

namespace VoipKit.Signaling.Tests.Authentication;

/// <summary>Which challenges the client answers (RFC 8760 2.4, RFC 3261 22.3) and what it reports when it cannot.</summary>
public class SipDigestChallengeSelectionTests
{
    private static SipDigestClient Client() => new(new SipCredentials(User, Password));

    [Fact]
    public void Topmost_supported_challenge_of_a_realm_is_used()
    {
        var response = new SipResponse(401);
        response.AddHeader(SipHeaderNames.WwwAuthenticate, "Digest realm=\"voipkit.test\", nonce=\"a\", algorithm=SHA-512, qop=\"auth\"");
        response.AddHeader(SipHeaderNames.WwwAuthenticate, new SipDigestChallenge(Realm, "b", SipDigestAlgorithm.Sha256).ToString());
        response.AddHeader(SipHeaderNames.WwwAuthenticate, new SipDigestChallenge(Realm, "c", SipDigestAlgorithm.Md5).ToString());
        SipRequest request = Request();
        Assert.Equal(SipDigestAuthorizeResult.Authorized, Client().TryAuthorize(response, request));
        SipAuthValue c = Credentials(request);
        Assert.Equal("SHA-256", c.Get("algorithm"));
        Assert.Equal("b", c.Get("nonce"));
    }

    [Fact]
    public void Order_as_sent_wins_over_strength()
    {
        SipRequest request = Request();
        Client().TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "m", SipDigestAlgorithm.Md5), new SipDigestChallenge(Realm, "s", SipDigestAlgorithm.Sha256)), request);
        Assert.Equal("MD5", Credentials(request).Get("algorithm"));
    }

    [Fact]
    public void Malformed_and_other_scheme_fields_are_skipped()
    {
        var response = new SipResponse(401);
        response.AddHeader(SipHeaderNames.WwwAuthenticate, "Basic realm=\"voipkit.test\"");
        response.AddHeader(SipHeaderNames.WwwAuthenticate, "Digest realm=");
        response.AddHeader(SipHeaderNames.WwwAuthenticate, new SipDigestChallenge(Realm, "ok").ToString());
        SipRequest request = Request();
        Assert.Equal(SipDigestAuthorizeResult.Authorized, Client().TryAuthorize(response, request));
        Assert.Equal("ok", Credentials(request).Get("nonce"));
    }

    [Fact]
    public void Failures_are_reported_and_leave_the_request_alone()
    {
        var client = new SipDigestClient(new SipCredentials(User, Password, "elsewhere.test"));
        SipRequest request = Request();
        Assert.Equal(SipDigestAuthorizeResult.NotAChallenge, client.TryAuthorize(new SipResponse(200), request));
        Assert.Equal(SipDigestAuthorizeResult.NotAChallenge, client.TryAuthorize(new SipResponse(401), request));
        Assert.Equal(SipDigestAuthorizeResult.NoCredentials, client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n")), request));

        var unsupported = new SipResponse(401);
        unsupported.AddHeader(SipHeaderNames.WwwAuthenticate, "Digest realm=\"voipkit.test\", nonce=\"n\", algorithm=AKAv1-MD5");
        Assert.Equal(SipDigestAuthorizeResult.UnsupportedAlgorithm, Client().TryAuthorize(unsupported, request));

        Assert.Equal(SipDigestAuthorizeResult.UnsupportedQop,
            Client().TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n", SipDigestAlgorithm.Sha256, ["auth-conf"])), request));
        Assert.Equal(SipDigestAuthorizeResult.UnsupportedQop,
            Client().TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n", SipDigestAlgorithm.Md5Sess, [])), request));
        Assert.Empty(request.GetHeaders(SipHeaderNames.Authorization));
    }

    [Fact]
    public void Each_realm_of_a_407_gets_its_own_field_with_its_own_credentials()
    {
        using var proxyA = new SipDigestServer((u, r) => u == "a-user" ? SipDigestSecret.FromPassword("pa") : null);
        using var proxyB = new SipDigestServer((u, r) => u == "b-user" ? SipDigestSecret.FromPassword("pb") : null);
        var client = new SipDigestClient([new SipCredentials("a-user", "pa", "a.test"), new SipCredentials("b-user", "pb", "b.test")]);
        SipRequest invite = Request("INVITE", "sip:bob@voipkit.test");
        SipResponse response = Challenge(407, proxyA.CreateChallenge("a.test"), proxyB.CreateChallenge("b.test", SipDigestAlgorithm.Md5));
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(response, invite));
        Assert.Equal(2, invite.GetHeaders(SipHeaderNames.ProxyAuthorization).Count);
        Assert.Empty(invite.GetHeaders(SipHeaderNames.Authorization));
        Assert.Equal(SipDigestVerifyResult.Ok, proxyA.Verify(Wire(invite), "a.test", true));
        Assert.Equal(SipDigestVerifyResult.Ok, proxyB.Verify(Wire(invite), "b.test", true));
        Assert.Equal(SipDigestVerifyResult.Missing, proxyA.Verify(Wire(invite), "a.test", false));
    }

    [Fact]
    public void Realm_specific_credentials_win_over_the_catch_all()
    {
        var client = new SipDigestClient([new SipCredentials("any", "p"), new SipCredentials("specific", "q", Realm)]);
        SipRequest request = Request();
        client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n")), request);
        Assert.Equal("specific", Credentials(request).Get("username"));
    }

    [Fact]
    public void Proxy_407_then_registrar_401_in_one_flow()
    {
        const string proxyRealm = "proxy.test";
        using var proxy = new SipDigestServer((u, r) => u == User ? SipDigestSecret.FromPassword("proxy-pass") : null);
        using SipDigestServer registrar = Server();
        var client = new SipDigestClient([new SipCredentials(User, "proxy-pass", proxyRealm), new SipCredentials(User, Password, Realm)]);

        SipRequest register = Request();
        Assert.Equal(SipDigestVerifyResult.Missing, proxy.Verify(Wire(register), proxyRealm, true));
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(407, proxy.CreateChallenge(proxyRealm)), register));

        SipRequest second = Next(register);
        Assert.Equal(SipDigestVerifyResult.Ok, proxy.Verify(Wire(second), proxyRealm, true));
        Assert.Equal(SipDigestVerifyResult.Missing, registrar.Verify(Wire(second), Realm));
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, registrar.CreateChallenge(Realm)), second));

        // The resent request carries both; the proxy's count moved on, so the proxy does not see a replay.
        SipRequest third = Next(second);
        Assert.Equal("00000002", Credentials(third, SipHeaderNames.ProxyAuthorization).Get("nc"));
        Assert.Equal(SipDigestVerifyResult.Ok, proxy.Verify(Wire(third), proxyRealm, true));
        Assert.Equal(SipDigestVerifyResult.Ok, registrar.Verify(Wire(third), Realm));

        // A refresh is authorized in advance for both.
        SipRequest refresh = Request(cseq: 10);
        Assert.Equal(2, client.Authorize(refresh));
        Assert.Equal(SipDigestVerifyResult.Ok, proxy.Verify(Wire(refresh), proxyRealm, true));
        Assert.Equal(SipDigestVerifyResult.Ok, registrar.Verify(Wire(refresh), Realm));
    }

    [Fact]
    public void Kamailio_style_401_from_the_wire_gets_an_rfc_2617_answer()
    {
        // The shape of a Kamailio 5.x auth module challenge (www_challenge with qop auth, no algorithm: MD5).
        string text = "SIP/2.0 401 Unauthorized\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKauth1;received=192.0.2.1;rport=5060\r\n"
            + "From: <sip:alice@voipkit.test>;tag=a1\r\n"
            + "To: <sip:alice@voipkit.test>;tag=b27e1a1d33761e85846fc98f5f3a7e58.5a2d\r\n"
            + "Call-ID: auth-test-1\r\n"
            + "CSeq: 1 REGISTER\r\n"
            + "WWW-Authenticate: Digest realm=\"voipkit.test\", nonce=\"ZUFfR2VBXvKuMWSfTUj3xdbFEOdm8ffa\", qop=\"auth\"\r\n"
            + "Server: kamailio (5.6.4 (x86_64/linux))\r\n"
            + "Content-Length: 0\r\n\r\n";
        var response = (SipResponse)SipMessage.Parse(System.Text.Encoding.ASCII.GetBytes(text));
        SipRequest request = Request();
        Assert.Equal(SipDigestAuthorizeResult.Authorized, Client().TryAuthorize(response, request));

        SipAuthValue c = Credentials(Wire(request));
        Assert.Equal(["username", "realm", "nonce", "uri", "response", "algorithm", "qop", "nc", "cnonce"], c.Parameters.Select(p => p.Name));
        Assert.Equal("MD5", c.Get("algorithm"));
        Assert.Equal("00000001", c.Get("nc"));
        Assert.Matches("^[0-9a-f]{32}$", c.Get("response"));
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Md5, User, Realm, Password);
        Assert.Equal(SipDigest.Response(SipDigestAlgorithm.Md5, ha1, "ZUFfR2VBXvKuMWSfTUj3xdbFEOdm8ffa", 1, c.Get("cnonce"), "auth", "REGISTER", "sip:voipkit.test", default),
            c.Get("response"));
        Assert.Contains("qop=auth, nc=00000001, cnonce=\"", request.GetHeader(SipHeaderNames.Authorization), StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_forgets_the_challenges()
    {
        var client = Client();
        client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n")), Request());
        client.Clear();
        Assert.Equal(0, client.Authorize(Request()));
    }
}
