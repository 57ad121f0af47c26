using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Tests.Sip;

/// <summary>The stateless proxy (RFC 3261 16.11) alone: messages in, what it sends out recorded.</summary>
public sealed class SipProxyTests : IDisposable
{
    private const string Server = "127.0.0.1:5060";

    // Alice sends from here; Bob registered a private contact from behind a NAT (his flow is the public source).
    private static readonly SipFlow AliceFlow = new(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5070));
    private static readonly SipFlow BobFlow = new(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("198.51.100.9"), 41000));
    private static readonly SipFlow BobTcpFlow = new(SipTransportProtocol.Tcp, new IPEndPoint(IPAddress.Parse("198.51.100.9"), 52000));
    private const string BobContact = "sip:bob@10.0.0.5:5062";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SipServerIdentity _identity = new(SipServerFixture.Domain, "127.0.0.1", 5060, [IPAddress.Loopback]);
    private readonly SipLocationService _location;
    private readonly SipDigestServer _digest;
    private readonly SipServerMetrics _metrics;
    private readonly RecordingSender _sent = new();
    private readonly SipServerCore _core;

    public SipProxyTests()
    {
        _location = new SipLocationService(_time, 10);
        _digest = new SipDigestServer(
            (user, _) => SipServerFixture.Users.TryGetValue(user, out string? p) ? SipDigestSecret.FromPassword(p) : null, _time);
        _metrics = new SipServerMetrics(() => _location.Count);
        _core = new SipServerCore(SipServerFixture.Options(_time), _identity, _location, _digest, _metrics, _sent, _time, NullLogger.Instance);
    }

    public void Dispose()
    {
        _digest.Dispose();
        _identity.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task An_invite_from_our_domain_is_challenged_with_407_and_its_ack_ends_here()
    {
        SipResponse challenge = await SendExpectingResponse(Invite("a1"));

        Assert.Equal(407, challenge.StatusCode);
        Assert.Equal("voipkit.test", Assert.Single(challenge.GetAuthValues(SipHeaderNames.ProxyAuthenticate)).Get("realm"));
        await _core.HandleAsync(AckFor(Invite("a1"), challenge.To!.Tag!), AliceFlow, default);
        Assert.Empty(_sent.Messages);
        Assert.Equal(1, _metrics.Statistics.Challenges);
    }

    [Fact]
    public async Task An_authorized_invite_goes_to_the_binding_flow_record_routed_with_our_via()
    {
        Bind("bob", BobContact, BobFlow);
        SipRequest invite = await AuthorizedInvite("b1");

        await _core.HandleAsync(invite, AliceFlow, default);

        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        var forwarded = (SipRequest)message;
        Assert.Equal(BobFlow, flow);
        Assert.Equal(BobContact, forwarded.RequestUri.ToString());
        Assert.Equal(69, forwarded.MaxForwards);
        Assert.Empty(forwarded.Routes);
        Assert.StartsWith("<sip:" + Server + ";lr;vkd=", Assert.Single(forwarded.GetHeaders(SipHeaderNames.RecordRoute)), StringComparison.Ordinal);
        Assert.Empty(forwarded.GetHeaders(SipHeaderNames.ProxyAuthorization));
        Assert.Equal(2, forwarded.Via.Count);
        Assert.Equal(Server, forwarded.Via[0].Host + ":" + forwarded.Via[0].Port);
        Assert.StartsWith(SipServerIdentity.BranchPrefix, forwarded.Via[0].Branch, StringComparison.Ordinal);
        Assert.Equal("z9hG4bK-b1", forwarded.Via[1].Branch);
    }

    [Fact]
    public async Task Retransmissions_cancel_and_the_non_2xx_ack_get_the_branch_of_the_invite()
    {
        Bind("bob", BobContact, BobFlow);
        SipRequest invite = await AuthorizedInvite("c1");
        string retransmission = invite.ToString();
        await _core.HandleAsync(invite, AliceFlow, default);
        await _core.HandleAsync(Parse(retransmission), AliceFlow, default); // same nonce count: still forwarded, not challenged
        await _core.HandleAsync(Cancel(Parse(retransmission)), AliceFlow, default);
        await _core.HandleAsync(AckFor(Parse(retransmission), "bob-tag"), AliceFlow, default);

        Assert.Equal(4, _sent.Messages.Count);
        Assert.All(_sent.Messages, m => Assert.Equal(BobFlow, m.Flow));
        Assert.Equal([SipMethods.Invite, SipMethods.Invite, SipMethods.Cancel, SipMethods.Ack], _sent.Messages.Select(m => ((SipRequest)m.Message).Method));
        Assert.Single(_sent.Messages.Select(m => m.Message.Via[0].Branch).Distinct());
    }

    [Fact]
    public async Task Responses_lose_our_via_and_go_to_the_received_and_rport_of_the_next()
    {
        Bind("bob", BobContact, BobFlow);
        await _core.HandleAsync(await AuthorizedInvite("d1"), AliceFlow, default);
        var forwarded = (SipRequest)_sent.Messages[0].Message;
        _sent.Messages.Clear();
        var ringing = new SipResponse(180);
        foreach (SipHeader h in forwarded.Headers.Where(h => h.Is(SipHeaderNames.Via) || h.Is(SipHeaderNames.From) || h.Is(SipHeaderNames.CallId) || h.Is(SipHeaderNames.CSeq)))
        {
            ringing.Headers.Add(h);
        }

        ringing.AddHeader(SipHeaderNames.To, "<sip:bob@voipkit.test>;tag=bob-tag");
        await _core.HandleAsync(ringing, BobFlow, default);

        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        Assert.Equal(AliceFlow, flow); // the Via's received=192.0.2.1;rport=5070 filled by our transport
        Assert.Equal("z9hG4bK-d1", Assert.Single(message.Via).Branch);
        Assert.Equal(1, _metrics.Statistics.ResponsesForwarded);
    }

    [Fact]
    public async Task A_response_whose_top_via_is_not_ours_is_dropped()
    {
        var stray = new SipResponse(200);
        stray.AddHeader(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKstray");
        stray.AddHeader(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bKother");
        await _core.HandleAsync(stray, AliceFlow, default);

        Assert.Empty(_sent.Messages);
        Assert.Equal(1, _metrics.Statistics.Dropped);
    }

    [Fact]
    public async Task An_in_dialog_request_follows_the_route_to_the_flow_of_the_registered_contact()
    {
        Bind("bob", BobContact, BobFlow);
        SipRequest bye = Parse(
            "BYE " + BobContact + " SIP/2.0\r\n" +
            Via("e1") +
            "Max-Forwards: 70\r\nRoute: <sip:" + Server + ";lr>\r\n" +
            "From: <sip:alice@voipkit.test>;tag=a\r\nTo: <sip:bob@voipkit.test>;tag=b\r\nCall-ID: call-e1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");

        await _core.HandleAsync(bye, AliceFlow, default);

        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        Assert.Equal(BobFlow, flow);
        Assert.Empty(message.Routes);
        Assert.Empty(message.RecordRoutes);
        Assert.Equal(1, _metrics.Statistics.InDialogRequestsForwarded);
    }

    [Fact]
    public async Task In_dialog_requests_to_other_hosts_need_the_dialog_token_of_our_record_route()
    {
        Bind("bob", BobContact, BobFlow);
        await _core.HandleAsync(await AuthorizedInvite("k1"), AliceFlow, default);
        string recordRoute = Assert.Single(_sent.Messages[^1].Message.GetHeaders(SipHeaderNames.RecordRoute));
        _sent.Messages.Clear();

        // A forged in-dialog request (a made-up To tag) may not use the server as a relay to some other host...
        SipRequest forged = InDialog("k2", "sip:victim@192.0.2.99:5060", "<sip:" + Server + ";lr>", "call-k1");
        Assert.Equal(403, (await SendExpectingResponse(forged)).StatusCode);
        SipRequest otherDialog = InDialog("k3", "sip:victim@192.0.2.99:5060", recordRoute, "another-call");
        Assert.Equal(403, (await SendExpectingResponse(otherDialog)).StatusCode);

        // ...but a request of the dialog we record-routed, carrying our Record-Route back, goes to its remote target.
        await _core.HandleAsync(InDialog("k4", "sip:alice@192.0.2.99:5080", recordRoute, "call-k1"), BobFlow, default);
        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        Assert.True(message is SipRequest, message.ToString());
        Assert.Equal(new SipFlow(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.99"), 5080)), flow);
        Assert.Empty(message.Routes);
    }

    private static SipRequest InDialog(string id, string target, string route, string callId) => Parse(
        "BYE " + target + " SIP/2.0\r\n" + Via(id) +
        "Max-Forwards: 70\r\nRoute: " + route + "\r\n" +
        "From: <sip:bob@voipkit.test>;tag=b\r\nTo: <sip:alice@voipkit.test>;tag=a\r\nCall-ID: " + callId + "\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n");

    [Fact]
    public async Task A_contact_on_the_source_ip_but_another_port_is_used_as_is()
    {
        // Bob's REGISTER came from 198.51.100.9:41000 but names 198.51.100.9:5062: he listens there (or registered
        // another process of his host), so that is where his calls go. A private contact IP is the NAT case (flow).
        Bind("bob", "sip:bob@198.51.100.9:5062", BobFlow);

        await _core.HandleAsync(await AuthorizedInvite("m1"), AliceFlow, default);

        Assert.Equal(new SipFlow(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("198.51.100.9"), 5062)), Assert.Single(_sent.Messages).Flow);
    }

    [Fact]
    public async Task Over_tcp_the_registration_connection_is_used_while_open_then_the_contact()
    {
        Bind("bob", "sip:bob@198.51.100.9:5062;transport=tcp", BobTcpFlow);
        await _core.HandleAsync(await AuthorizedInvite("n1"), AliceFlow, default);
        Assert.Equal(BobTcpFlow, Assert.Single(_sent.Messages).Flow);
        _sent.Messages.Clear();

        _sent.Closed.Add(BobTcpFlow);
        await _core.HandleAsync(await AuthorizedInvite("n2"), AliceFlow, default);

        Assert.Equal(new SipFlow(SipTransportProtocol.Tcp, new IPEndPoint(IPAddress.Parse("198.51.100.9"), 5062)), Assert.Single(_sent.Messages).Flow);
    }

    [Fact]
    public async Task Udp_to_tcp_is_record_routed_twice_with_the_transport_of_each_side()
    {
        Bind("bob", "sip:bob@10.0.0.5:5062;transport=tcp", BobTcpFlow);

        await _core.HandleAsync(await AuthorizedInvite("f1"), AliceFlow, default);

        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        Assert.Equal(BobTcpFlow, flow);
        IReadOnlyList<SipNameAddress> recordRoutes = message.RecordRoutes;
        Assert.Equal(2, recordRoutes.Count);
        Assert.Equal("tcp", recordRoutes[0].Uri.Transport);
        Assert.Null(recordRoutes[1].Uri.Transport);
        Assert.All(recordRoutes, r => Assert.True(r.Uri.HasParameter("lr")));
        Assert.Equal("TCP", message.Via[0].Transport);
    }

    [Fact]
    public async Task Max_forwards_zero_gets_483_and_a_loop_gets_482()
    {
        Bind("bob", BobContact, BobFlow);
        SipRequest tired = await AuthorizedInvite("g1");
        tired.SetHeader(SipHeaderNames.MaxForwards, "0");
        Assert.Equal(483, (await SendExpectingResponse(tired)).StatusCode);

        // The same request coming back with our Via on it (as a loop would bring it) is refused. (A request from our own
        // domain would be challenged again first: we consumed its credentials.)
        string text =
            "INVITE sip:bob@voipkit.test SIP/2.0\r\n" + Via("g2") +
            "Max-Forwards: 70\r\nFrom: <sip:carl@example.com>;tag=c\r\nTo: <sip:bob@voipkit.test>\r\nCall-ID: loop\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        await _core.HandleAsync(Parse(text), AliceFlow, default);
        SipVia ours = _sent.Messages[^1].Message.Via[0];
        SipRequest looped = Parse(text);
        looped.Headers.Insert(0, new SipHeader(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK-other"));
        looped.Headers.Insert(1, new SipHeader(SipHeaderNames.Via, ours.ToString()));
        Assert.Equal(482, (await SendExpectingResponse(looped)).StatusCode);
    }

    [Fact]
    public async Task Unknown_users_get_404_and_users_without_binding_480()
    {
        SipRequest toDave = await AuthorizedInvite("h1", callee: "dave");
        Assert.Equal(404, (await SendExpectingResponse(toDave)).StatusCode);
        SipRequest toCarol = await AuthorizedInvite("h2", callee: "carol");
        Assert.Equal(480, (await SendExpectingResponse(toCarol)).StatusCode);
    }

    [Fact]
    public async Task Options_to_the_server_itself_gets_200_and_relaying_for_strangers_is_refused()
    {
        SipRequest options = Parse(
            "OPTIONS sip:" + Server + " SIP/2.0\r\n" + Via("i1") +
            "Max-Forwards: 70\r\nFrom: <sip:someone@example.com>;tag=x\r\nTo: <sip:" + Server + ">\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        SipResponse ok = await SendExpectingResponse(options);
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("REGISTER", ok.GetHeader(SipHeaderNames.Allow), StringComparison.Ordinal);

        SipRequest relay = Parse(
            "INVITE sip:victim@example.org SIP/2.0\r\n" + Via("i2") +
            "Max-Forwards: 70\r\nFrom: <sip:someone@example.com>;tag=x\r\nTo: <sip:victim@example.org>\r\nCall-ID: o2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(403, (await SendExpectingResponse(relay)).StatusCode);
        SipRequest viaRoute = Parse(
            "INVITE sip:bob@voipkit.test SIP/2.0\r\n" + Via("i3") +
            "Max-Forwards: 70\r\nRoute: <sip:" + Server + ";lr>, <sip:192.0.2.99:5060;lr>\r\n" +
            "From: <sip:someone@example.com>;tag=x\r\nTo: <sip:bob@voipkit.test>\r\nCall-ID: o3\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(403, (await SendExpectingResponse(viaRoute)).StatusCode);
    }

    [Fact]
    public async Task A_retransmitted_register_gets_the_same_response_again()
    {
        string text =
            "REGISTER sip:voipkit.test SIP/2.0\r\n" + Via("j1") +
            "Max-Forwards: 70\r\nFrom: <sip:alice@voipkit.test>;tag=x\r\nTo: <sip:alice@voipkit.test>\r\nCall-ID: r1\r\nCSeq: 1 REGISTER\r\n" +
            "Contact: <sip:alice@192.0.2.1:5070>\r\nContent-Length: 0\r\n\r\n";
        SipResponse first = await SendExpectingResponse(Parse(text));
        SipResponse again = await SendExpectingResponse(Parse(text));

        Assert.Equal(401, first.StatusCode);
        Assert.Same(first, again);
        Assert.Equal(1, _metrics.Statistics.RetransmissionsAbsorbed);
    }

    private async Task<SipResponse> SendExpectingResponse(SipRequest request)
    {
        _sent.Messages.Clear();
        await _core.HandleAsync(request, AliceFlow, default);
        (SipMessage message, SipFlow flow) = Assert.Single(_sent.Messages);
        Assert.Equal(AliceFlow, flow);
        _sent.Messages.Clear();
        return Assert.IsType<SipResponse>(message);
    }

    /// <summary>An INVITE from Alice answered with credentials for the 407 of a first attempt.</summary>
    private async Task<SipRequest> AuthorizedInvite(string id, string callee = "bob")
    {
        var client = new SipDigestClient(new SipCredentials("alice", SipServerFixture.Users["alice"]));
        SipRequest first = Invite(id + "-0", callee);
        SipResponse challenge = await SendExpectingResponse(first);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(challenge, first));
        SipRequest invite = Invite(id, callee, cseq: 2);
        client.Authorize(invite);
        return invite;
    }

    private static SipRequest Invite(string id, string callee = "bob", uint cseq = 1) => Parse(
        "INVITE sip:" + callee + "@voipkit.test SIP/2.0\r\n" + Via(id) +
        "Max-Forwards: 70\r\nRoute: <sip:" + Server + ";lr>\r\n" +
        "From: <sip:alice@voipkit.test>;tag=a-" + id + "\r\nTo: <sip:" + callee + "@voipkit.test>\r\nCall-ID: call-" + id + "\r\n" +
        "CSeq: " + cseq.ToString(CultureInfo.InvariantCulture) + " INVITE\r\nContact: <sip:alice@192.0.2.1:5070>\r\nContent-Length: 0\r\n\r\n");

    private static string Via(string id) => "Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-" + id + ";received=192.0.2.1;rport=5070\r\n";

    private static SipRequest Cancel(SipRequest invite)
    {
        var cancel = new SipRequest(SipMethods.Cancel, invite.RequestUri);
        foreach (SipHeader h in invite.Headers.Where(h => !h.Is(SipHeaderNames.CSeq) && !h.Is(SipHeaderNames.Contact) && !h.Is(SipHeaderNames.ProxyAuthorization)))
        {
            cancel.Headers.Add(h);
        }

        cancel.AddHeader(SipHeaderNames.CSeq, invite.CSeq!.Value.Number.ToString(CultureInfo.InvariantCulture) + " CANCEL");
        return cancel;
    }

    private static SipRequest AckFor(SipRequest invite, string toTag)
    {
        var ack = new SipRequest(SipMethods.Ack, invite.RequestUri);
        foreach (SipHeader h in invite.Headers.Where(h => h.Is(SipHeaderNames.Via) || h.Is(SipHeaderNames.Route) || h.Is(SipHeaderNames.From) || h.Is(SipHeaderNames.CallId)))
        {
            ack.Headers.Add(h);
        }

        ack.AddHeader(SipHeaderNames.MaxForwards, "70");
        ack.AddHeader(SipHeaderNames.To, invite.GetHeader(SipHeaderNames.To) + ";tag=" + toTag);
        ack.AddHeader(SipHeaderNames.CSeq, invite.CSeq!.Value.Number.ToString(CultureInfo.InvariantCulture) + " ACK");
        return ack;
    }

    private void Bind(string user, string contact, SipFlow flow) =>
        Assert.Equal(SipBindingUpdateResult.Ok, _location.Update(
            "sip:" + user + "@voipkit.test", "reg-" + user, 1, flow, removeAll: false, [new SipContactChange(SipUri.Parse(contact), TimeSpan.FromHours(1))], out _));

    private static SipRequest Parse(string text) => (SipRequest)SipMessage.Parse(System.Text.Encoding.ASCII.GetBytes(text));

    private sealed class RecordingSender : ISipServerSender
    {
        public List<(SipMessage Message, SipFlow Flow)> Messages { get; } = [];

        public HashSet<SipFlow> Closed { get; } = [];

        public bool Supports(SipTransportProtocol protocol) => true;

        public bool HasConnection(SipFlow flow) => !Closed.Contains(flow);

        public ValueTask SendAsync(SipMessage message, SipFlow flow, CancellationToken cancellationToken)
        {
            Messages.Add((message, flow));
            return ValueTask.CompletedTask;
        }
    }
}
