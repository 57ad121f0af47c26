using System.Globalization;
using System.Net;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>Registration and digest authentication against a scripted registrar in virtual time.</summary>
public sealed class UserAgentRegistrationTests : IAsyncDisposable
{
    private static readonly IPEndPoint RegistrarEndPoint = IPEndPoint.Parse("203.0.113.10:5060");
    private readonly InMemorySipNetwork _net = new();
    private readonly SipDigestServer _digest;
    private readonly List<SipUserAgent> _agents = [];
    private InMemorySipTransport? _registrar;

    public UserAgentRegistrationTests()
    {
        _digest = new SipDigestServer((user, _) => user == "alice" ? SipDigestSecret.FromPassword("secret-a") : null, _net.Time);
    }

    private static SipUri RegistrarUri => SipUri.Parse("sip:voipkit.test@203.0.113.10:5060");

    /// <summary>Digest algorithm the registrar challenges with, or null for no authentication.</summary>
    private SipDigestAlgorithm? Auth { get; set; }

    private uint? MinExpires { get; set; }

    private uint MaxExpires { get; set; } = 3600;

    private int FailuresToInject { get; set; }

    /// <summary>When set, the registrar reports this as the source of our requests (as if a NAT rewrote it).</summary>
    private (string Address, int Port)? NatAddress { get; set; }

    public async ValueTask DisposeAsync()
    {
        foreach (SipUserAgent agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (_registrar is not null)
        {
            await _registrar.DisposeAsync();
        }

        _digest.Dispose();
    }

    [Fact]
    public async Task Registers_without_authentication_with_push_parameters()
    {
        SipUserAgent alice = await StartAgent(null);

        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions
        {
            Registrar = RegistrarUri,
            Push = new SipPushParameters("apns", "ABCDEF0123", "TEAMID.org.example.app.voip"),
        }));

        Assert.Equal(SipRegistrationState.Registered, registration.State);
        Assert.Equal(TimeSpan.FromHours(1), registration.GrantedExpires);
        SipRequest register = Assert.Single(_net.Requests(SipMethods.Register));
        SipNameAddress contact = Assert.Single(register.Contacts);
        Assert.Equal("apns", contact.Uri.GetParameter("pn-provider"));
        Assert.Equal("ABCDEF0123", contact.Uri.GetParameter("pn-prid"));
        Assert.Equal("TEAMID.org.example.app.voip", contact.Uri.GetParameter("pn-param"));
        Assert.Equal(3600u, contact.Expires);
        Assert.Equal("sip:alice@voipkit.test", register.To!.Uri.ToString());
    }

    [Theory]
    [InlineData(SipDigestAlgorithm.Sha256)]
    [InlineData(SipDigestAlgorithm.Md5)]
    public async Task Answers_the_digest_challenge_and_refreshes_with_the_next_nonce_count(SipDigestAlgorithm algorithm)
    {
        Auth = algorithm;
        MaxExpires = 120;
        SipUserAgent alice = await StartAgent(new SipCredentials("alice", "secret-a"));

        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri }));

        Assert.Equal(SipRegistrationState.Registered, registration.State);
        Assert.Equal(TimeSpan.FromSeconds(120), registration.GrantedExpires);
        Assert.Single(_net.Responses(401));

        await _net.Advance(TimeSpan.FromSeconds(61)); // refresh at half of 120 s

        SipRequest[] registers = [.. _net.Requests(SipMethods.Register)];
        Assert.Equal(3, registers.Length);
        Assert.Contains("nc=00000002", registers[2].GetHeader(SipHeaderNames.Authorization), StringComparison.Ordinal);
        Assert.Single(_net.Responses(401)); // the refresh was authorized in advance
        Assert.Equal(registers[0].CallId, registers[2].CallId);
        Assert.True(registers[2].CSeq!.Value.Number > registers[1].CSeq!.Value.Number);
        Assert.Equal(SipRegistrationState.Registered, registration.State);
    }

    [Fact]
    public async Task Wrong_password_fails_without_looping()
    {
        Auth = SipDigestAlgorithm.Sha256;
        SipUserAgent alice = await StartAgent(new SipCredentials("alice", "wrong"));

        SipRegistrationException error = await Assert.ThrowsAsync<SipRegistrationException>(
            () => _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri })));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(2, _net.Requests(SipMethods.Register).Count());
    }

    [Fact]
    public async Task Interval_too_brief_is_retried_with_min_expires()
    {
        MinExpires = 600;
        SipUserAgent alice = await StartAgent(null);

        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri, Expires = TimeSpan.FromSeconds(60) }));

        Assert.Single(_net.Responses(423));
        Assert.Equal(TimeSpan.FromSeconds(600), registration.GrantedExpires);
    }

    [Fact]
    public async Task Failed_refresh_is_retried_with_backoff_until_registered_again()
    {
        MaxExpires = 60;
        SipUserAgent alice = await StartAgent(null);
        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions
        {
            Registrar = RegistrarUri,
            RetryBase = TimeSpan.FromSeconds(4),
        }));
        var states = new List<SipRegistrationState>();
        registration.StateChanged += (_, s) => states.Add(s);
        FailuresToInject = 2;

        await _net.Advance(TimeSpan.FromSeconds(70)); // refresh at 30 s fails twice, backoff 4-8 s then 8-16 s (RFC 5626 4.5)

        Assert.Equal(SipRegistrationState.Registered, registration.State);
        Assert.Equal(2, _net.Responses(503).Count());
        Assert.Equal(
            [SipRegistrationState.RetryWaiting, SipRegistrationState.Registering, SipRegistrationState.RetryWaiting, SipRegistrationState.Registering, SipRegistrationState.Registered],
            states);
    }

    [Fact]
    public async Task Unregister_sends_expires_zero_and_stops_refreshing()
    {
        MaxExpires = 60;
        SipUserAgent alice = await StartAgent(null);
        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri }));

        SipResponse response = await _net.Run(registration.UnregisterAsync());
        await _net.Advance(TimeSpan.FromSeconds(120));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(SipRegistrationState.Unregistered, registration.State);
        SipRequest[] registers = [.. _net.Requests(SipMethods.Register)];
        Assert.Equal(2, registers.Length);
        Assert.Equal("0", registers[1].GetHeader(SipHeaderNames.Expires));
        Assert.Equal(0u, registers[1].Contacts[0].Expires);
    }

    [Fact]
    public async Task Invite_challenged_by_a_proxy_is_resent_with_credentials_and_the_ack_carries_them()
    {
        Auth = SipDigestAlgorithm.Sha256;
        SipUserAgent alice = await StartAgent(new SipCredentials("alice", "secret-a"));

        SipCallResult result = await _net.Run(alice.InviteAsync(SipUri.Parse("sip:bob@203.0.113.10:5060"), SipBody.Sdp("v=0\r\n")));

        Assert.True(result.Succeeded);
        Assert.Single(_net.Responses(407));
        SipRequest[] invites = [.. _net.Requests(SipMethods.Invite)];
        Assert.Equal(2, invites.Length);
        Assert.Equal(invites[0].CallId, invites[1].CallId);
        Assert.Equal(invites[0].CSeq!.Value.Number + 1, invites[1].CSeq!.Value.Number);
        Assert.NotNull(invites[1].GetHeader(SipHeaderNames.ProxyAuthorization));
        await _net.Advance(TimeSpan.FromMilliseconds(20));
        SipRequest[] acks = [.. _net.Requests(SipMethods.Ack)];
        Assert.Equal(2, acks.Length); // one for the 407 (transaction), one for the 200 (dialog)
        Assert.Null(acks[0].GetHeader(SipHeaderNames.ProxyAuthorization));
        Assert.Equal(invites[1].GetHeader(SipHeaderNames.ProxyAuthorization), acks[1].GetHeader(SipHeaderNames.ProxyAuthorization));
    }

    [Fact]
    public async Task Behind_a_nat_the_agent_re_registers_with_the_address_the_registrar_saw()
    {
        NatAddress = ("198.51.100.99", 40123);
        SipUserAgent alice = await StartAgent(null);

        SipRegistration registration = await _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri }));
        await _net.Advance(TimeSpan.FromMilliseconds(50));

        SipRequest[] registers = [.. _net.Requests(SipMethods.Register)];
        Assert.Equal(2, registers.Length);
        Assert.Equal("192.0.2.2", registers[0].Contacts[0].Uri.Host);
        IReadOnlyList<SipNameAddress> contacts = registers[1].Contacts;
        Assert.Equal(2, contacts.Count);
        Assert.Equal("sip:alice@198.51.100.99:40123", contacts[0].Uri.ToString());
        Assert.Equal(registers[0].Contacts[0].Uri, contacts[1].Uri);
        Assert.Equal(0u, contacts[1].Expires); // the private binding is removed
        Assert.Equal(SipRegistrationState.Registered, registration.State);
        Assert.Equal(TimeSpan.FromHours(1), registration.GrantedExpires);

        SipResponse options = await _net.Run(alice.OptionsAsync(RegistrarUri));
        SipRequest sent = _net.Requests(SipMethods.Options).Single();
        Assert.Equal("sip:alice@198.51.100.99:40123", sent.Contacts[0].Uri.ToString()); // later requests use it too
        Assert.StartsWith("SIP/2.0/UDP 192.0.2.2:5060", sent.GetHeader(SipHeaderNames.Via), StringComparison.Ordinal);
        Assert.Equal(200, options.StatusCode);
    }

    [Fact]
    public async Task A_200_granting_zero_seconds_does_not_make_a_register_storm()
    {
        MaxExpires = 0;
        SipUserAgent alice = await StartAgent(null);

        await Assert.ThrowsAnyAsync<Exception>(() => _net.Run(alice.RegisterAsync(new SipRegistrationOptions { Registrar = RegistrarUri, RetryBase = TimeSpan.FromSeconds(30) })));
        await _net.Advance(TimeSpan.FromSeconds(20));

        Assert.Single(_net.Requests(SipMethods.Register));
    }

    private async Task<SipUserAgent> StartAgent(SipCredentials? credentials)
    {
        _registrar = new InMemorySipTransport(_net, RegistrarEndPoint, OnRegistrarMessage);
        await _registrar.StartAsync();
        SipUserAgent agent = _net.CreateAgent(_net.Options("alice", o => o with { Credentials = credentials }));
        _agents.Add(agent);
        await agent.StartAsync();
        return agent;
    }

    /// <summary>A stateless registrar and callee: digest checks, 423, injected 503s, 200 with the granted expiry.</summary>
    private ValueTask OnRegistrarMessage(SipReceivedMessage received, CancellationToken cancellationToken)
    {
        if (received.Message is not SipRequest request || request.Method == SipMethods.Ack)
        {
            return ValueTask.CompletedTask;
        }

        SipResponse response = Answer(request);
        _net.Send(RegistrarEndPoint, received.RemoteEndPoint, response);
        return ValueTask.CompletedTask;
    }

    private SipResponse Answer(SipRequest request)
    {
        bool isRegister = request.Method == SipMethods.Register;
        if (Auth is { } algorithm)
        {
            SipDigestVerifyResult verdict = _digest.Verify(request, "voipkit.test", proxy: !isRegister);
            if (verdict != SipDigestVerifyResult.Ok)
            {
                SipResponse challenge = SipTransactionMessages.CreateResponse(request, isRegister ? 401 : 407, "reg");
                challenge.AddHeader(
                    isRegister ? SipHeaderNames.WwwAuthenticate : SipHeaderNames.ProxyAuthenticate,
                    _digest.CreateChallenge("voipkit.test", algorithm, stale: verdict == SipDigestVerifyResult.Stale).ToString());
                return challenge;
            }
        }

        if (!isRegister)
        {
            SipResponse ok = SipTransactionMessages.CreateResponse(request, 200, "callee");
            ok.AddHeader(SipHeaderNames.Contact, "<sip:bob@203.0.113.10:5060>");
            return ok;
        }

        if (FailuresToInject > 0)
        {
            FailuresToInject--;
            return SipTransactionMessages.CreateResponse(request, 503, "reg");
        }

        uint asked = request.Contacts[0].Expires ?? request.Expires ?? 3600;
        if (asked != 0 && MinExpires is { } min && asked < min)
        {
            SipResponse brief = SipTransactionMessages.CreateResponse(request, 423, "reg");
            brief.AddHeader(SipHeaderNames.MinExpires, min.ToString(CultureInfo.InvariantCulture));
            return brief;
        }

        uint granted = Math.Min(asked, MaxExpires);
        if (NatAddress is { } nat)
        {
            string via = System.Text.RegularExpressions.Regex.Replace(
                request.GetHeader(SipHeaderNames.Via)!, ";(rport|received)(=[^;]*)?", string.Empty) + $";received={nat.Address};rport={nat.Port}";
            request.SetHeader(SipHeaderNames.Via, via);
        }

        SipResponse registered = SipTransactionMessages.CreateResponse(request, 200, "reg");
        if (granted > 0)
        {
            SipNameAddress contact = request.Contacts[0];
            registered.AddHeader(SipHeaderNames.Contact, "<" + contact.Uri + ">;expires=" + granted.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            registered.AddHeader(SipHeaderNames.Expires, "0");
        }

        return registered;
    }
}
