using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Interop.Tests.Infrastructure;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;
using static VoipKit.Signaling.Interop.Tests.UserAgentSippTests;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>VoipKit user agents registering at and calling each other through Kamailio (registrar + record-routing proxy).</summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class UserAgentKamailioTests
{
    [Theory]
    [InlineData(false, SipTransportProtocol.Udp)]
    [InlineData(true, SipTransportProtocol.Udp)]
    [InlineData(true, SipTransportProtocol.Tcp)]
    public async Task Two_agents_register_and_call_each_other_through_kamailio(bool withAuth, SipTransportProtocol transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        CancellationToken ct = timeout.Token;
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = withAuth }, ct);
        string domain = "127.0.0.1:" + kamailio.Port;
        SipUri proxy = SipUri.Parse(kamailio.Uri + (transport == SipTransportProtocol.Tcp ? ";transport=tcp" : string.Empty));
        await using SipUserAgent alice = await StartAgent("alice", withAuth ? new SipCredentials("alice", "secret-a") : null, ct, domain, proxy, transport);
        await using SipUserAgent bob = await StartAgent("bob", withAuth ? new SipCredentials("bob", "secret-b") : null, ct, domain, proxy, transport);
        // Real offer/answer: Alice offers Opus with SDES-SRTP, Bob's negotiator answers, Alice processes the answer.
        var aliceMedia = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = 40000, SessionId = 1 };
        var bobMedia = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = 42000, SessionId = 2 };
        SessionDescription offer = SdpNegotiator.CreateOffer(aliceMedia);
        SdpNegotiationResult? bobNegotiation = null;
        TaskCompletionSource<SipDialog> bobDialog = AnswerAll(bob, async (call, token) =>
        {
            call.Ring();
            bobNegotiation = SdpNegotiator.Answer(SessionDescription.Parse(call.Offer!.Content.Span), bobMedia);
            return await call.AcceptAsync(new SipBody(SipBody.SdpContentType, bobNegotiation.Answer!.ToUtf8Bytes()), token);
        });
        var registrar = new SipRegistrationOptions { Registrar = proxy, Expires = TimeSpan.FromSeconds(300) };
        SipRegistration aliceReg = await alice.RegisterAsync(registrar, ct);
        SipRegistration bobReg = await bob.RegisterAsync(registrar, ct);
        Assert.Equal(SipRegistrationState.Registered, bobReg.State);
        Assert.Contains(bobReg.Bindings, b => b.Uri.Port == bob.LocalEndPoint.Port);

        SipCallResult result = await alice.InviteAsync(
            SipUri.Parse(kamailio.AddressOfRecord("bob")), new SipBody(SipBody.SdpContentType, offer.ToUtf8Bytes()), cancellationToken: ct);

        Assert.True(result.Succeeded, $"status {result.StatusCode}\n== kamailio:\n{kamailio.Log}");
        SipDialog caller = result.Dialog!;
        SipDialog callee = await bobDialog.Task.WaitAsync(ct);
        SdpNegotiationResult aliceNegotiation = SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(caller.RemoteBody!.Content.Span), aliceMedia);
        Assert.True(aliceNegotiation.IsAccepted, aliceNegotiation.Detail);
        Assert.True(bobNegotiation!.IsAccepted, bobNegotiation.Detail);
        NegotiatedAudio aliceAudio = aliceNegotiation.Audio!;
        NegotiatedAudio bobAudio = bobNegotiation.Audio!;
        Assert.Equal("opus", aliceAudio.Codec.EncodingName, ignoreCase: true);
        Assert.Equal(aliceAudio.Codec, bobAudio.Codec);
        Assert.Equal(42000, aliceAudio.RemotePort);
        Assert.Equal(40000, bobAudio.RemotePort);
        Assert.Equal(SdpSecurity.SdesSrtp, aliceAudio.Security);
        Assert.Equal(aliceAudio.SrtpSuite, bobAudio.SrtpSuite);
        // Each side's receive key is the other's send key.
        Assert.Equal(aliceAudio.LocalCrypto!.Keys[0].KeySalt, bobAudio.RemoteCrypto!.Keys[0].KeySalt);
        Assert.Equal(bobAudio.LocalCrypto!.Keys[0].KeySalt, aliceAudio.RemoteCrypto!.Keys[0].KeySalt);
        // Kamailio record-routed the dialog: both sides route in-dialog requests through it.
        Assert.Equal(kamailio.Port, Assert.Single(caller.RouteSet).Uri.Port);
        Assert.Equal(kamailio.Port, Assert.Single(callee.RouteSet).Uri.Port);
        Assert.Equal(bob.LocalEndPoint.Port, caller.RemoteTarget.Port);

        SipResponse options = await caller.OptionsAsync(ct); // in-dialog, through the proxy, no credentials needed
        Assert.Equal(200, options.StatusCode);
        SipResponse? bye = await caller.ByeAsync(ct);
        Assert.Equal(200, bye!.StatusCode);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await callee.Ended.WaitAsync(ct)).Reason);

        Assert.Equal(200, (await aliceReg.UnregisterAsync(ct)).StatusCode);
        Assert.Equal(200, (await bobReg.UnregisterAsync(ct)).StatusCode);
        if (withAuth)
        {
            // Both REGISTERs were challenged (401) and the INVITE too (407); all then passed.
            Assert.Equal(2, CountLines(kamailio.Log, "vk: REGISTER auth failed"));
            Assert.Equal(1, CountLines(kamailio.Log, "vk: INVITE auth failed"));
        }
    }

    [Fact]
    public async Task Registration_over_tcp_keeps_the_connection_alive_with_crlf_pings()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(null, timeout.Token);
        SipUri proxy = SipUri.Parse(kamailio.Uri + ";transport=tcp");
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token, "127.0.0.1:" + kamailio.Port, proxy, SipTransportProtocol.Tcp);

        SipRegistration registration = await bob.RegisterAsync(
            new SipRegistrationOptions { Registrar = proxy, KeepAliveInterval = TimeSpan.FromMilliseconds(500) }, timeout.Token);
        while (registration.KeepAlivesAnswered < 3)
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.Equal(SipRegistrationState.Registered, registration.State);
        await registration.UnregisterAsync(timeout.Token);
    }

    private static int CountLines(string log, string fragment) =>
        log.Split('\n').Count(l => l.Contains(fragment, StringComparison.Ordinal));

    [Fact]
    public async Task Wrong_password_is_refused_by_kamailio()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using KamailioServer kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        SipUri proxy = SipUri.Parse(kamailio.Uri);
        await using SipUserAgent alice = await StartAgent("alice", new SipCredentials("alice", "not-the-password"), timeout.Token, "127.0.0.1:" + kamailio.Port, proxy);

        SipRegistrationException error = await Assert.ThrowsAsync<SipRegistrationException>(
            () => alice.RegisterAsync(new SipRegistrationOptions { Registrar = proxy }, timeout.Token));

        Assert.Equal(401, error.StatusCode);
    }

    [Fact]
    public async Task Sipp_calls_a_voipkit_agent_registered_at_kamailio_and_reinvites_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        CancellationToken ct = timeout.Token;
        await using KamailioServer kamailio = await KamailioServer.StartAsync(null, ct);
        SipUri proxy = SipUri.Parse(kamailio.Uri);
        await using SipUserAgent bob = await StartAgent("bob", null, ct, "127.0.0.1:" + kamailio.Port, proxy);
        TaskCompletionSource<SipDialog> dialog = AnswerAll(bob, async (call, token) =>
        {
            SipDialog d = await call.AcceptAsync(SipBody.Sdp(Answer), token);
            d.OfferReceived = (_, _) => ValueTask.FromResult<SipBody?>(SipBody.Sdp(HeldAnswer));
            return d;
        });
        SipRegistration registration = await bob.RegisterAsync(new SipRegistrationOptions { Registrar = proxy }, ct);

        SippResult caller = await SippRunner.RunAsync(new SippOptions
        {
            Scenario = "uac-reinvite.xml",
            Target = kamailio.EndPoint,
            Service = "bob",
        }, ct);

        Assert.True(caller.Succeeded, caller.Describe() + "\n== kamailio:\n" + kamailio.Log);
        SipDialog d = await dialog.Task.WaitAsync(ct);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await d.Ended.WaitAsync(ct)).Reason);
        Assert.Equal(kamailio.Port, Assert.Single(d.RouteSet).Uri.Port);
        await registration.UnregisterAsync(ct);
    }
}
