using System.Text;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using static VoipKit.Signaling.Tests.Authentication.AuthTestKit;

namespace VoipKit.Signaling.Tests.Authentication;

public class SipDigestRoundTripTests
{
    public static TheoryData<SipDigestAlgorithm, bool> AlgorithmsAndQop()
    {
        var data = new TheoryData<SipDigestAlgorithm, bool>();
        foreach (SipDigestAlgorithm a in Enum.GetValues<SipDigestAlgorithm>())
        {
            data.Add(a, true);
            if (!SipDigestAlgorithms.IsSession(a))
            {
                data.Add(a, false); // -sess needs a cnonce, so qop
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndQop))]
    public void Client_answer_verifies(SipDigestAlgorithm algorithm, bool qop)
    {
        using SipDigestServer server = Server();
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        Assert.Equal(SipDigestVerifyResult.Missing, server.Verify(Wire(request), Realm));

        SipDigestChallenge challenge = server.CreateChallenge(Realm, algorithm, qop, opaque: "opq");
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, challenge), request));

        SipAuthValue credentials = Credentials(request);
        Assert.Equal(SipDigestAlgorithms.GetName(algorithm), credentials.Get("algorithm"));
        Assert.Equal("opq", credentials.Get("opaque"));
        Assert.Equal("sip:voipkit.test", credentials.Get("uri"));
        Assert.Equal(qop ? "00000001" : null, credentials.Get("nc"));
        Assert.Equal(qop ? "auth" : null, credentials.Get("qop"));
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(request), Realm, false, out string? user));
        Assert.Equal(User, user);
    }

    [Fact]
    public void Preauthorized_requests_count_up_and_verify()
    {
        using SipDigestServer server = Server();
        var client = new SipDigestClient(new SipCredentials(User, Password, Realm));
        Assert.Equal(0, client.Authorize(Request()));
        SipRequest first = Request();
        client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), first);
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(first), Realm));
        string cnonce1 = Credentials(first).Get("cnonce")!;

        for (uint n = 2; n <= 4; n++)
        {
            SipRequest refresh = Request(cseq: n);
            Assert.Equal(1, client.Authorize(refresh));
            SipAuthValue c = Credentials(refresh);
            Assert.Equal(n.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), c.Get("nc"));
            Assert.NotEqual(cnonce1, c.Get("cnonce"));
            Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(refresh), Realm));
        }
    }

    [Fact]
    public void Replayed_nonce_count_is_rejected()
    {
        using SipDigestServer server = Server();
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), request);
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(request), Realm));
        Assert.Equal(SipDigestVerifyResult.Replayed, server.Verify(Wire(request), Realm));

        // A later count is fine; going back to an earlier one after it is not.
        SipRequest second = Request(cseq: 2);
        SipRequest third = Request(cseq: 3);
        client.Authorize(second);
        client.Authorize(third);
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(third), Realm));
        Assert.Equal(SipDigestVerifyResult.Replayed, server.Verify(Wire(second), Realm));
    }

    [Fact]
    public void Expired_nonce_is_stale_and_the_client_retries()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
        using SipDigestServer server = Server(time);
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), request);
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(request), Realm));

        time.Advance(server.NonceLifetime + TimeSpan.FromSeconds(1));
        SipRequest refresh = Request(cseq: 2);
        client.Authorize(refresh);
        Assert.Equal(SipDigestVerifyResult.Stale, server.Verify(Wire(refresh), Realm));

        SipDigestChallenge fresh = server.CreateChallenge(Realm, stale: true);
        Assert.True(fresh.Stale);
        SipRequest retry = Next(refresh);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, fresh), retry));
        Assert.Equal("00000001", Credentials(retry).Get("nc"));
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(retry), Realm));
    }

    [Fact]
    public void Wrong_password_is_rejected_without_looping()
    {
        using SipDigestServer server = Server(password: "the real one");
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), request));
        Assert.Equal(SipDigestVerifyResult.BadCredentials, server.Verify(Wire(request), Realm));

        // The server challenges again with a new nonce and no stale flag: the password was refused.
        SipRequest retry = Next(request);
        Assert.Equal(SipDigestAuthorizeResult.CredentialsRejected, client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), retry));
        Assert.Equal(Credentials(request).ToString(), Credentials(retry).ToString()); // untouched
    }

    [Fact]
    public void Same_nonce_challenged_again_means_rejected()
    {
        var client = new SipDigestClient(new SipCredentials(User, Password));
        var challenge = new SipDigestChallenge(Realm, "n0nce", SipDigestAlgorithm.Md5);
        SipRequest request = Request();
        client.TryAuthorize(Challenge(401, challenge), request);
        SipRequest refresh = Request(cseq: 2);
        client.Authorize(refresh);
        Assert.Equal(SipDigestAuthorizeResult.CredentialsRejected, client.TryAuthorize(Challenge(401, challenge), refresh));
        var staleSame = new SipDigestChallenge(Realm, "n0nce", SipDigestAlgorithm.Md5, stale: true);
        Assert.Equal(SipDigestAuthorizeResult.CredentialsRejected, client.TryAuthorize(Challenge(401, staleSame), refresh));
    }

    [Fact]
    public void Credentials_for_another_realm_or_a_zero_count_do_not_pass()
    {
        using SipDigestServer server = Server();
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        client.TryAuthorize(Challenge(401, server.CreateChallenge("other.test")), request);
        Assert.Equal(SipDigestVerifyResult.Missing, server.Verify(Wire(request), Realm));

        // nc=00000000 with an otherwise right response: counts start at 1.
        SipDigestChallenge issued = server.CreateChallenge(Realm);
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Sha256, User, Realm, Password);
        string response = SipDigest.Response(SipDigestAlgorithm.Sha256, ha1, issued.Nonce, 0, "c", "auth", "REGISTER", "sip:voipkit.test", default);
        SipRequest zero = Request();
        zero.AddHeader(SipHeaderNames.Authorization, $"Digest username=\"{User}\", realm=\"{Realm}\", nonce=\"{issued.Nonce}\", uri=\"sip:voipkit.test\", "
            + $"response=\"{response}\", algorithm=SHA-256, qop=auth, nc=00000000, cnonce=\"c\"");
        Assert.Equal(SipDigestVerifyResult.Replayed, server.Verify(zero, Realm));
    }

    [Fact]
    public void New_nonce_after_a_preauthorized_request_is_retried_once()
    {
        var client = new SipDigestClient(new SipCredentials(User, Password));
        client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "one")), Request());
        SipRequest refresh = Request(cseq: 2);
        client.Authorize(refresh);
        SipRequest retry = Next(refresh);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "two")), retry));
        Assert.Equal(SipDigestAuthorizeResult.CredentialsRejected, client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "three")), Next(retry)));
    }

    [Fact]
    public void Unknown_user_and_tampering_are_bad_credentials()
    {
        using SipDigestServer server = Server();
        var stranger = new SipDigestClient(new SipCredentials("mallory", Password));
        SipRequest request = Request();
        stranger.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), request);
        Assert.Equal(SipDigestVerifyResult.BadCredentials, server.Verify(Wire(request), Realm));

        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest invite = Request("INVITE", "sip:bob@voipkit.test", body: Encoding.ASCII.GetBytes("v=0\r\n"));
        client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), invite);
        SipRequest moved = Wire(invite);
        moved.RequestUri = SipUri.Parse("sip:carol@voipkit.test");
        Assert.Equal(SipDigestVerifyResult.UriMismatch, server.Verify(moved, Realm));
    }

    [Fact]
    public void Auth_int_when_it_is_the_only_option_covers_the_body()
    {
        using SipDigestServer server = Server();
        SipDigestChallenge issued = server.CreateChallenge(Realm, SipDigestAlgorithm.Sha256);
        var authIntOnly = new SipDigestChallenge(Realm, issued.Nonce, SipDigestAlgorithm.Sha256, ["auth-int"]);
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest invite = Request("INVITE", "sip:bob@voipkit.test", body: Encoding.ASCII.GetBytes("v=0\r\n"));
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(Challenge(401, authIntOnly), invite));
        Assert.Equal("auth-int", Credentials(invite).Get("qop"));
        SipRequest tampered = Wire(invite);
        tampered.Body = Encoding.ASCII.GetBytes("v=1\r\n");
        Assert.Equal(SipDigestVerifyResult.BadCredentials, server.Verify(tampered, Realm));
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(invite), Realm));

        // When auth is offered too, auth is used.
        SipRequest other = Request();
        client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, "n", SipDigestAlgorithm.Sha256, ["auth-int", "auth"])), other);
        Assert.Equal("auth", Credentials(other).Get("qop"));
    }

    [Fact]
    public void Nonce_answered_with_another_algorithm_or_without_qop_is_refused()
    {
        using SipDigestServer server = Server();
        SipDigestChallenge issued = server.CreateChallenge(Realm, SipDigestAlgorithm.Sha256);
        var client = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest md5 = Request();
        client.TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, issued.Nonce, SipDigestAlgorithm.Md5)), md5);
        Assert.Equal(SipDigestVerifyResult.BadCredentials, server.Verify(Wire(md5), Realm));

        SipRequest noQop = Request();
        new SipDigestClient(new SipCredentials(User, Password)).TryAuthorize(Challenge(401, new SipDigestChallenge(Realm, issued.Nonce, SipDigestAlgorithm.Sha256, [])), noQop);
        Assert.Equal(SipDigestVerifyResult.BadCredentials, server.Verify(Wire(noQop), Realm));
    }

    [Fact]
    public void Stored_ha1_verifies_its_algorithm_only()
    {
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Md5, User, Realm, Password);
        using var server = new SipDigestServer((u, r) => SipDigestSecret.FromHa1(SipDigestAlgorithm.Md5, ha1));
        var client = new SipDigestClient(new SipCredentials(User, Password));
        foreach ((SipDigestAlgorithm a, SipDigestVerifyResult expected) in new[]
        {
            (SipDigestAlgorithm.Md5, SipDigestVerifyResult.Ok), (SipDigestAlgorithm.Md5Sess, SipDigestVerifyResult.Ok),
            (SipDigestAlgorithm.Sha256, SipDigestVerifyResult.BadCredentials),
        })
        {
            SipRequest request = Request();
            client.TryAuthorize(Challenge(401, server.CreateChallenge(Realm, a)), request);
            Assert.Equal(expected, server.Verify(Wire(request), Realm));
        }
    }

    [Fact]
    public void Nonce_of_another_server_is_stale_when_the_password_is_right()
    {
        using SipDigestServer other = Server();
        using SipDigestServer server = Server();
        SipRequest request = Request();
        new SipDigestClient(new SipCredentials(User, Password)).TryAuthorize(Challenge(401, other.CreateChallenge(Realm)), request);
        Assert.Equal(SipDigestVerifyResult.Stale, server.Verify(Wire(request), Realm));
    }

    [Fact]
    public void Evicted_nonce_counts_make_old_nonces_stale_not_replayable()
    {
        using SipDigestServer server = Server(maxTrackedNonces: 16);
        var first = new SipDigestClient(new SipCredentials(User, Password));
        SipRequest request = Request();
        first.TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), request);
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(request), Realm));
        for (int i = 0; i < 16; i++)
        {
            SipRequest r = Request();
            new SipDigestClient(new SipCredentials(User, Password)).TryAuthorize(Challenge(401, server.CreateChallenge(Realm)), r);
            Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(Wire(r), Realm));
        }

        Assert.Equal(SipDigestVerifyResult.Stale, server.Verify(Wire(request), Realm));
    }

    [Fact]
    public void Qop_is_hashed_as_the_client_wrote_it()
    {
        using SipDigestServer server = Server();
        SipDigestChallenge issued = server.CreateChallenge(Realm, SipDigestAlgorithm.Md5);
        string ha1 = SipDigest.Ha1(SipDigestAlgorithm.Md5, User, Realm, Password);
        string response = SipDigest.Response(SipDigestAlgorithm.Md5, ha1, issued.Nonce, 1, "c", "AUTH", "REGISTER", "sip:voipkit.test", default);
        SipRequest request = Request();
        request.AddHeader(SipHeaderNames.Authorization, $"Digest username=\"{User}\", realm=\"{Realm}\", nonce=\"{issued.Nonce}\", uri=\"sip:voipkit.test\", "
            + $"response=\"{response.ToUpperInvariant()}\", qop=AUTH, nc=00000001, cnonce=\"c\"");
        Assert.Equal(SipDigestVerifyResult.Ok, server.Verify(request, Realm));
    }

    [Fact]
    public void Disposed_server_refuses_use()
    {
        SipDigestServer server = Server();
        server.Dispose();
        Assert.Throws<ObjectDisposedException>(() => server.CreateChallenge(Realm));
        Assert.Throws<ObjectDisposedException>(() => server.Verify(Request(), Realm));
    }

    [Theory]
    [InlineData("Digest username=\"alice\", realm=\"voipkit.test\", nonce=\"x\", uri=\"sip:voipkit.test\"")]
    [InlineData("Digest username=\"alice\", realm=\"voipkit.test\", nonce=\"x\", uri=\"sip:voipkit.test\", response=\"00\", qop=auth")]
    [InlineData("Digest username=\"alice\", realm=\"voipkit.test\", nonce=\"x\", uri=\"sip:voipkit.test\", response=\"00\", algorithm=SHA-1")]
    [InlineData("Digest username=\"alice\", realm=\"voipkit.test\", realm=\"voipkit.test\", nonce=\"x\", uri=\"sip:voipkit.test\", response=\"00\"")]
    [InlineData("Digest username=\"alice\" realm")]
    public void Malformed_credentials(string value)
    {
        using SipDigestServer server = Server();
        SipRequest request = Request();
        request.AddHeader(SipHeaderNames.Authorization, value);
        Assert.Equal(SipDigestVerifyResult.Malformed, server.Verify(request, Realm));
    }
}
