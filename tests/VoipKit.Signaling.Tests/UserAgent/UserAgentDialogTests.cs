using VoipKit.Signaling.Messages;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>In-dialog behaviour: re-INVITE, UPDATE, glare, session timers, route sets, CSeq ordering.</summary>
public sealed class UserAgentDialogTests : IAsyncDisposable
{
    private const string Offer = "v=0\r\no=a 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=sendrecv\r\n";
    private const string Answer = "v=0\r\no=b 1 1 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.3\r\nt=0 0\r\nm=audio 41000 RTP/AVP 111\r\na=sendrecv\r\n";
    private const string Hold = "v=0\r\no=a 1 2 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=sendonly\r\n";
    private const string HeldAnswer = "v=0\r\no=b 1 2 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.3\r\nt=0 0\r\nm=audio 41000 RTP/AVP 111\r\na=recvonly\r\n";

    private readonly InMemorySipNetwork _net = new();
    private readonly List<SipUserAgent> _agents = [];

    public async ValueTask DisposeAsync()
    {
        foreach (SipUserAgent agent in _agents)
        {
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reinvite_puts_the_call_on_hold_through_the_offer_handler()
    {
        (SipDialog alice, SipDialog bob) = await Connect();
        bob.OfferReceived = (offer, _) => ValueTask.FromResult<SipBody?>(
            offer.ToString().Contains("a=sendonly", StringComparison.Ordinal) ? SipBody.Sdp(HeldAnswer) : null);

        SipResponse response = await _net.Run(alice.ReinviteAsync(SipBody.Sdp(Hold)));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(HeldAnswer, alice.RemoteBody!.ToString());
        Assert.Equal(Hold, alice.LocalBody!.ToString());
        Assert.Equal(Hold, bob.RemoteBody!.ToString());
        Assert.Equal(HeldAnswer, bob.LocalBody!.ToString());
        await _net.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(2, _net.Requests(SipMethods.Ack).Count()); // the re-INVITE's 2xx is acknowledged too
        Assert.Equal(SipDialogState.Confirmed, alice.State);
    }

    [Fact]
    public async Task Refused_offer_gets_488_and_leaves_the_session_as_it_was()
    {
        (SipDialog alice, SipDialog bob) = await Connect();
        bob.OfferReceived = (_, _) => ValueTask.FromResult<SipBody?>(null);

        SipResponse response = await _net.Run(alice.ReinviteAsync(SipBody.Sdp(Hold)));

        Assert.Equal(488, response.StatusCode);
        Assert.Equal(Offer, alice.LocalBody!.ToString());
        Assert.Equal(Answer, alice.RemoteBody!.ToString());
        Assert.Equal(SipDialogState.Confirmed, alice.State);
    }

    [Fact]
    public async Task Callee_can_reinvite_the_caller()
    {
        (SipDialog alice, SipDialog bob) = await Connect();
        alice.OfferReceived = (_, _) => ValueTask.FromResult<SipBody?>(SipBody.Sdp(HeldAnswer));

        SipResponse response = await _net.Run(bob.ReinviteAsync(SipBody.Sdp(Hold)));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(HeldAnswer, bob.RemoteBody!.ToString());
        SipRequest reinvite = _net.Requests(SipMethods.Invite).Last();
        Assert.Equal(bob.LocalTag, reinvite.From!.Tag);
        Assert.Equal(1u, reinvite.CSeq!.Value.Number); // the callee's own CSeq space
    }

    [Fact]
    public async Task Update_refreshes_without_a_body()
    {
        (SipDialog alice, _) = await Connect();

        SipResponse response = await _net.Run(alice.UpdateAsync());

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
        Assert.Equal(Answer, alice.RemoteBody!.ToString());
    }

    [Fact]
    public async Task Reinvite_glare_gets_491_and_both_sides_succeed_after_the_backoff()
    {
        (SipDialog alice, SipDialog bob) = await Connect();

        Task<SipResponse> fromAlice = alice.ReinviteAsync(SipBody.Sdp(Hold));
        Task<SipResponse> fromBob = bob.ReinviteAsync(SipBody.Sdp(Hold));
        SipResponse[] responses = await _net.Run(Task.WhenAll(fromAlice, fromBob), TimeSpan.FromSeconds(20));

        Assert.All(responses, r => Assert.Equal(200, r.StatusCode));
        Assert.True(_net.Responses(491).Count() >= 2);
    }

    [Fact]
    public async Task Out_of_order_cseq_gets_500()
    {
        (SipDialog alice, _) = await Connect();
        await _net.Run(alice.OptionsAsync());
        bool rewritten = false;
        _net.Rewrite = (_, _, m) =>
        {
            if (m is SipRequest { Method: SipMethods.Options } r && !rewritten)
            {
                rewritten = true;
                r.SetHeader(SipHeaderNames.CSeq, "1 OPTIONS"); // lower than the 2 already seen
            }
        };

        SipResponse response = await _net.Run(alice.OptionsAsync());

        Assert.Equal(500, response.StatusCode);
    }

    [Fact]
    public async Task Session_timer_refreshes_keep_a_long_call_up()
    {
        (SipDialog alice, SipDialog bob) = await Connect(o => o with { SessionExpires = TimeSpan.FromSeconds(90) });
        Assert.Equal(TimeSpan.FromSeconds(90), alice.SessionInterval);
        Assert.Equal(TimeSpan.FromSeconds(90), bob.SessionInterval);
        Assert.True(alice.IsSessionRefresher); // the UAC said it supports timers: refresher=uac
        Assert.False(bob.IsSessionRefresher);

        await _net.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(SipDialogState.Confirmed, alice.State);
        Assert.Equal(SipDialogState.Confirmed, bob.State);
        int refreshes = _net.Requests(SipMethods.Update).Count();
        Assert.InRange(refreshes, 6, 7); // every 45 s; Bob allows UPDATE, so no re-INVITE is needed
    }

    [Fact]
    public async Task Missing_refreshes_make_the_other_side_hang_up()
    {
        (SipDialog alice, SipDialog bob) = await Connect(o => o with { SessionExpires = TimeSpan.FromSeconds(90) });
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Update or SipMethods.Invite };

        SipDialogEnd bobEnd = await _net.Run(bob.Ended, TimeSpan.FromSeconds(120));

        Assert.Equal(SipDialogEndReason.SessionExpired, bobEnd.Reason);
        Assert.True(_net.Time.GetUtcNow() - _connectedAt >= TimeSpan.FromSeconds(59)); // 90 - min(32, 30) s
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await _net.Run(alice.Ended, TimeSpan.FromSeconds(5))).Reason);
    }

    [Fact]
    public async Task Interval_below_min_se_gets_422_and_the_caller_retries_with_the_minimum()
    {
        (SipDialog alice, SipDialog bob) = await Connect(
            aliceOptions: o => o with { SessionExpires = TimeSpan.FromSeconds(90) },
            bobOptions: o => o with { MinSessionExpires = TimeSpan.FromSeconds(120), SessionExpires = TimeSpan.FromSeconds(600) });

        Assert.Single(_net.Responses(422));
        Assert.Equal(TimeSpan.FromSeconds(120), alice.SessionInterval);
        Assert.Equal(TimeSpan.FromSeconds(120), bob.SessionInterval);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task In_dialog_requests_follow_the_record_route(bool looseRouting)
    {
        string proxy = looseRouting ? "<sip:198.51.100.7:5060;lr>" : "<sip:198.51.100.7:5060>";
        _net.Proxies.Add(System.Net.IPEndPoint.Parse("198.51.100.7:5060"));
        _net.Rewrite = (_, _, m) =>
        {
            if (m is SipRequest { Method: SipMethods.Invite } r && r.To?.Tag is null && r.GetHeader(SipHeaderNames.RecordRoute) is null)
            {
                r.AddHeader(SipHeaderNames.RecordRoute, proxy);
            }
        };
        (SipDialog alice, SipDialog bob) = await Connect();
        Assert.Single(alice.RouteSet);
        Assert.Single(bob.RouteSet);

        await _net.Run(alice.ByeAsync());
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await _net.Run(bob.Ended)).Reason);

        (_, var to, SipMessage message) = _net.Log.First(e => e.Message is SipRequest { Method: SipMethods.Bye });
        var bye = (SipRequest)message;
        Assert.Equal("198.51.100.7:5060", to.ToString());
        if (looseRouting)
        {
            Assert.Equal(alice.RemoteTarget, bye.RequestUri);
            Assert.Equal(proxy, bye.GetHeader(SipHeaderNames.Route));
        }
        else
        {
            Assert.Equal("sip:198.51.100.7:5060", bye.RequestUri.ToString());
            Assert.Equal("<" + alice.RemoteTarget + ">", bye.GetHeader(SipHeaderNames.Route));
        }
    }

    [Fact]
    public async Task Peer_that_cancels_its_reinvite_leaves_the_session_unchanged()
    {
        (SipDialog alice, SipDialog bob) = await Connect();
        bob.OfferReceived = async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), _net.Time, ct); // a slow application, told of the CANCEL
            return SipBody.Sdp(HeldAnswer);
        };
        using var giveUp = new CancellationTokenSource();
        Task<SipResponse> reinvite = alice.ReinviteAsync(SipBody.Sdp(Hold), giveUp.Token);
        await _net.Advance(TimeSpan.FromSeconds(1));

        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _net.Run(reinvite));
        await _net.Advance(TimeSpan.FromSeconds(10));

        Assert.Single(_net.Requests(SipMethods.Cancel));
        Assert.Contains(_net.Responses(487), r => r.CSeq!.Value.Method == SipMethods.Invite);
        Assert.Equal(Offer, alice.LocalBody!.ToString());
        Assert.Equal(Answer, alice.RemoteBody!.ToString());
        Assert.Equal(Offer, bob.RemoteBody!.ToString());
        Assert.Equal(Answer, bob.LocalBody!.ToString());
        bob.OfferReceived = null;
        Assert.Equal(200, (await _net.Run(alice.ReinviteAsync())).StatusCode); // the dialog still works both ways
        SipResponse? bye = await _net.Run(bob.ByeAsync());
        Assert.Equal(200, bye!.StatusCode);
    }

    [Fact]
    public async Task A_tiny_session_interval_from_the_peer_is_raised_to_the_rfc_minimum()
    {
        _net.Rewrite = (_, _, m) =>
        {
            if (m is SipResponse { StatusCode: 200 } r && r.CSeq?.Method == SipMethods.Invite)
            {
                r.SetHeader(SipHeaderNames.SessionExpires, "2;refresher=uac");
            }
        };
        (SipDialog alice, _) = await Connect(o => o with { SessionExpires = TimeSpan.FromSeconds(90) });

        await _net.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(90), alice.SessionInterval);
        Assert.Empty(_net.Requests(SipMethods.Update));
    }

    private DateTimeOffset _connectedAt;

    private async Task<(SipDialog Alice, SipDialog Bob)> Connect(
        Func<SipUserAgentOptions, SipUserAgentOptions>? both = null,
        Func<SipUserAgentOptions, SipUserAgentOptions>? aliceOptions = null,
        Func<SipUserAgentOptions, SipUserAgentOptions>? bobOptions = null)
    {
        SipUserAgent alice = _net.CreateAgent(_net.Options("alice", aliceOptions ?? both));
        SipUserAgent bob = _net.CreateAgent(_net.Options("bob", bobOptions ?? both));
        _agents.Add(alice);
        _agents.Add(bob);
        await alice.StartAsync();
        await bob.StartAsync();
        var bobDialog = new TaskCompletionSource<SipDialog>();
        bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(Answer), ct));
        SipCallResult result = await _net.Run(alice.InviteAsync(SipUri.Parse("sip:bob@" + bob.LocalEndPoint), SipBody.Sdp(Offer)));
        Assert.True(result.Succeeded, "call failed with " + result.StatusCode);
        SipDialog callee = await _net.Run(bobDialog.Task);
        _connectedAt = _net.Time.GetUtcNow();
        return (result.Dialog!, callee);
    }
}
