using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Tests.Sip;

/// <summary>The registrar alone (RFC 3261 10.3), with hand-made REGISTERs in virtual time.</summary>
public sealed class SipRegistrarTests : IDisposable
{
    private static readonly SipFlow Flow = new(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40001));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SipServerIdentity _identity = new(SipServerFixture.Domain, "127.0.0.1", 5060, [IPAddress.Loopback]);
    private readonly SipLocationService _location;
    private readonly SipDigestServer _digest;
    private readonly SipRegistrar _registrar;
    private uint _cseq;

    public SipRegistrarTests()
    {
        SipServerOptions options = SipServerFixture.Options(_time) with { MaxBindingsPerAddressOfRecord = 3 };
        _location = new SipLocationService(_time, options.MaxBindingsPerAddressOfRecord);
        _digest = new SipDigestServer(
            (user, _) => SipServerFixture.Users.TryGetValue(user, out string? p) ? SipDigestSecret.FromPassword(p) : null, _time);
        _registrar = new SipRegistrar(options, _identity, _location, _digest, _time);
    }

    public void Dispose()
    {
        _digest.Dispose();
        _identity.Dispose();
    }

    [Fact]
    public void Register_without_credentials_is_challenged_with_401_and_binds_nothing()
    {
        SipResponse response = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>;expires=300"]), Flow);

        Assert.Equal(401, response.StatusCode);
        SipAuthValue challenge = Assert.Single(response.GetAuthValues(SipHeaderNames.WwwAuthenticate));
        Assert.Equal("voipkit.test", challenge.Get("realm"));
        Assert.Equal("SHA-256", challenge.Get("algorithm"));
        Assert.NotNull(response.To!.Tag);
        Assert.Empty(_location.Lookup("sip:alice@voipkit.test"));
    }

    [Fact]
    public void Authorized_register_binds_the_contact_with_its_flow_and_lists_it()
    {
        SipResponse ok = Authorized("alice", ["<sip:alice@192.0.2.7:5070>;expires=300"]);

        Assert.Equal(200, ok.StatusCode);
        SipNameAddress contact = Assert.Single(ok.Contacts);
        Assert.Equal("sip:alice@192.0.2.7:5070", contact.Uri.ToString());
        Assert.Equal(300u, contact.Expires);
        SipBinding binding = Assert.Single(_location.Lookup("sip:alice@voipkit.test"));
        Assert.Equal(Flow, binding.Flow);
        Assert.Same(binding, _location.FindByContact(SipUri.Parse("sip:alice@192.0.2.7:5070")));
    }

    [Fact]
    public void Wrong_password_gets_403()
    {
        var client = new SipDigestClient(new SipCredentials("alice", "not-it"));
        SipRequest first = Register("alice", ["<sip:alice@192.0.2.7:5070>"]);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(_registrar.Register(first, Flow), first));

        SipResponse response = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>"], client), Flow);

        Assert.Equal(403, response.StatusCode);
        Assert.Empty(_location.Lookup("sip:alice@voipkit.test"));
    }

    [Fact]
    public void An_expired_nonce_gets_401_with_stale_true()
    {
        SipDigestClient client = Client("alice");
        _time.Advance(_digest.NonceLifetime + TimeSpan.FromSeconds(1));

        SipResponse response = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>"], client), Flow);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("true", Assert.Single(response.GetAuthValues(SipHeaderNames.WwwAuthenticate)).Get("stale"), ignoreCase: true);
    }

    [Fact]
    public void Registering_another_users_address_gets_403()
    {
        SipDigestClient client = Client("alice");

        SipResponse response = _registrar.Register(Register("bob", ["<sip:bob@192.0.2.7:5070>"], client, fromUser: "alice"), Flow);

        Assert.Equal(403, response.StatusCode);
        Assert.Empty(_location.Lookup("sip:bob@voipkit.test"));
    }

    [Theory]
    [InlineData("<sip:alice@192.0.2.7:5070>;expires=30", null)]
    [InlineData("<sip:alice@192.0.2.7:5070>", "59")]
    public void Too_brief_an_interval_gets_423_with_min_expires(string contact, string? expires)
    {
        SipResponse response = Authorized("alice", [contact], expires);

        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.GetHeader(SipHeaderNames.MinExpires));
        Assert.Empty(_location.Lookup("sip:alice@voipkit.test"));
    }

    [Fact]
    public void Expiry_comes_from_the_contact_parameter_then_the_expires_field_and_is_capped()
    {
        SipResponse response = Authorized("alice", ["<sip:alice@192.0.2.7:5070>;expires=100000", "<sip:alice@192.0.2.7:5071>"], expires: "120");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(3600u, response.Contacts.Single(c => c.Uri.Port == 5070).Expires);
        Assert.Equal(120u, response.Contacts.Single(c => c.Uri.Port == 5071).Expires);
    }

    [Fact]
    public void Bindings_expire_in_virtual_time_and_the_200_shows_the_seconds_left()
    {
        Assert.Equal(200, Authorized("alice", ["<sip:alice@192.0.2.7:5070>;expires=120"]).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(200, Authorized("alice", ["<sip:alice@192.0.2.7:5071>;expires=300"]).StatusCode);

        SipResponse query = Authorized("alice", []);
        Assert.Equal(20u, query.Contacts.Single(c => c.Uri.Port == 5070).Expires);
        Assert.Equal(300u, query.Contacts.Single(c => c.Uri.Port == 5071).Expires);
        // The newest binding is the one calls go to.
        Assert.Equal(5071, _location.Lookup("sip:alice@voipkit.test")[0].Contact.Port);

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(5071, Assert.Single(_location.Lookup("sip:alice@voipkit.test")).Contact.Port);
        Assert.Null(_location.FindByContact(SipUri.Parse("sip:alice@192.0.2.7:5070")));
        _time.Advance(TimeSpan.FromSeconds(300));
        _location.Purge();
        Assert.Empty(_location.Lookup("sip:alice@voipkit.test"));
        Assert.Equal(0, _location.Count);
    }

    [Fact]
    public void A_refresh_needs_a_higher_cseq_in_the_same_call_id()
    {
        SipDigestClient client = Client("alice");
        Assert.Equal(200, _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>;expires=300"], client, cseq: 10), Flow).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(200));

        SipResponse replayed = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>;expires=300"], client, cseq: 10), Flow);
        Assert.Equal(500, replayed.StatusCode);

        SipResponse refreshed = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>;expires=300"], client, cseq: 11), Flow);
        Assert.Equal(200, refreshed.StatusCode);
        Assert.Equal(300u, Assert.Single(refreshed.Contacts).Expires);
    }

    [Fact]
    public void Expires_zero_removes_one_contact_and_the_wildcard_removes_all()
    {
        Authorized("alice", ["<sip:alice@192.0.2.7:5070>", "<sip:alice@192.0.2.7:5071>", "<sip:alice@192.0.2.7:5072>"]);

        SipResponse one = Authorized("alice", ["<sip:alice@192.0.2.7:5071>;expires=0"]);
        Assert.Equal(2, one.Contacts.Count);
        Assert.Equal(400, Authorized("alice", ["*"], expires: "60").StatusCode);
        Assert.Equal(2, _location.Lookup("sip:alice@voipkit.test").Count);

        SipResponse all = Authorized("alice", ["*"], expires: "0");
        Assert.Equal(200, all.StatusCode);
        Assert.Empty(all.Contacts);
        Assert.Empty(_location.Lookup("sip:alice@voipkit.test"));
    }

    [Fact]
    public void More_bindings_than_allowed_get_403()
    {
        Authorized("alice", ["<sip:alice@192.0.2.7:5070>", "<sip:alice@192.0.2.7:5071>", "<sip:alice@192.0.2.7:5072>"]);

        Assert.Equal(403, Authorized("alice", ["<sip:alice@192.0.2.7:5073>"]).StatusCode);
        Assert.Equal(3, _location.Lookup("sip:alice@voipkit.test").Count);
        Assert.Equal(200, Authorized("alice", ["<sip:alice@192.0.2.7:5070>;expires=0", "<sip:alice@192.0.2.7:5073>"]).StatusCode);
    }

    [Fact]
    public void An_address_of_record_of_another_domain_gets_404()
    {
        SipDigestClient client = Client("alice");

        SipResponse response = _registrar.Register(Register("alice", ["<sip:alice@192.0.2.7:5070>"], client, domain: "example.com"), Flow);

        Assert.Equal(404, response.StatusCode);
    }

    private SipResponse Authorized(string user, string[] contacts, string? expires = null) =>
        _registrar.Register(Register(user, contacts, Client(user), expires: expires), Flow);

    /// <summary>A digest client holding a nonce of this registrar (from a first, challenged REGISTER).</summary>
    private SipDigestClient Client(string user)
    {
        var client = new SipDigestClient(new SipCredentials(user, SipServerFixture.Users[user]));
        SipRequest first = Register(user, []);
        SipResponse challenge = _registrar.Register(first, Flow);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(challenge, first));
        return client;
    }

    private SipRequest Register(
        string user, string[] contacts, SipDigestClient? client = null, string? expires = null, uint? cseq = null, string? fromUser = null, string domain = SipServerFixture.Domain)
    {
        uint number = cseq ?? ++_cseq + 100;
        string text =
            "REGISTER sip:" + domain + " SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-reg-" + number.ToString(CultureInfo.InvariantCulture) + "\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:" + (fromUser ?? user) + "@" + domain + ">;tag=f1\r\n" +
            "To: <sip:" + user + "@" + domain + ">\r\n" +
            "Call-ID: reg-" + user + "\r\n" +
            "CSeq: " + number.ToString(CultureInfo.InvariantCulture) + " REGISTER\r\n" +
            string.Concat(contacts.Select(c => "Contact: " + c + "\r\n")) +
            (expires is null ? string.Empty : "Expires: " + expires + "\r\n") +
            "Content-Length: 0\r\n\r\n";
        var request = (SipRequest)SipMessage.Parse(System.Text.Encoding.ASCII.GetBytes(text));
        client?.Authorize(request);
        return request;
    }
}
