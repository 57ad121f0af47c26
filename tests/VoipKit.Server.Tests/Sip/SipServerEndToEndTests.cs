using System.Net;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;
using static VoipKit.Server.Tests.Sip.SipServerFixture;

namespace VoipKit.Server.Tests.Sip;

/// <summary>Two <see cref="SipUserAgent"/>s register at a <see cref="SipServer"/> with digest and call each other through it, on loopback.</summary>
public sealed class SipServerEndToEndTests
{
    [Theory]
    [InlineData(SipTransportProtocol.Udp, SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp, SipTransportProtocol.Tcp)]
    [InlineData(SipTransportProtocol.Udp, SipTransportProtocol.Tcp)]
    public async Task Agents_register_and_call_through_the_server_with_reinvite_and_bye(SipTransportProtocol aliceTransport, SipTransportProtocol bobTransport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        var log = new ListLoggerFactory();
        await using SipServer server = await StartServerAsync(ct, log);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", aliceTransport, ct);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", bobTransport, ct);
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, token) =>
        {
            call.Ring();
            SipDialog d = await call.AcceptAsync(SipBody.Sdp("v=0\r\ns=bob\r\n"), token);
            d.OfferReceived = (_, _) => ValueTask.FromResult<SipBody?>(SipBody.Sdp("v=0\r\ns=bob-held\r\n"));
            bobDialog.SetResult(d);
        };
        SipRegistration aliceReg = await RegisterAsync(alice, ct);
        SipRegistration bobReg = await RegisterAsync(bob, ct);
        Assert.Equal(SipRegistrationState.Registered, bobReg.State);
        Assert.Equal(bob.LocalEndPoint.Port, Assert.Single(server.GetBindings("bob")).Port);
        Assert.Equal(bob.LocalEndPoint.Port, Assert.Single(bobReg.Bindings).Uri.Port);

        var provisional = new List<int>();
        SipCallResult result = await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\ns=alice\r\n"), r => provisional.Add(r.StatusCode), ct);

        Assert.True(result.Succeeded, "status " + result.StatusCode);
        Assert.Contains(180, provisional);
        SipDialog caller = result.Dialog!;
        SipDialog callee = await bobDialog.Task.WaitAsync(ct);
        // Record-routed: each side's route set leads through the server (twice when the transports differ, RFC 5658).
        int routes = aliceTransport == bobTransport ? 1 : 2;
        Assert.Equal(routes, caller.RouteSet.Count);
        Assert.Equal(routes, callee.RouteSet.Count);
        Assert.All(caller.RouteSet.Concat(callee.RouteSet), r => Assert.Equal(server.Port, r.Uri.Port));
        Assert.Equal(bob.LocalEndPoint.Port, caller.RemoteTarget.Port);

        SipResponse reinvite = await caller.ReinviteAsync(SipBody.Sdp("v=0\r\ns=alice-hold\r\n"), ct);
        Assert.Equal(200, reinvite.StatusCode);
        Assert.Equal("v=0\r\ns=bob-held\r\n", caller.RemoteBody!.ToString());
        Assert.Equal(200, (await callee.OptionsAsync(ct)).StatusCode);
        SipResponse? bye = await callee.ByeAsync(ct);
        Assert.Equal(200, bye!.StatusCode);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await caller.Ended.WaitAsync(ct)).Reason);
        if (bobTransport == SipTransportProtocol.Tcp)
        {
            // The server reached Bob over the connection he registered on, never over a new one to his Contact.
            Assert.Equal(1, ((SipStreamTransport)bob.Transport).ConnectionCount);
        }

        // The in-dialog requests went through the server: two ACKs (INVITE, re-INVITE), the re-INVITE, OPTIONS and BYE.
        // Over UDP a slow answer makes the agents retransmit, and a stateless proxy forwards every copy.
        bool exact = aliceTransport == SipTransportProtocol.Tcp && bobTransport == SipTransportProtocol.Tcp;
        SipServerStatistics stats = server.Statistics;
        // An ACK travels on its own (nothing answers it): it may still be on its way while Bob's BYE completes.
        await WaitUntilAsync(() => stats.ForwardedRequests(SipMethods.Ack) >= 2 && stats.InDialogRequestsForwarded >= 5, ct);
        AssertCount(2, stats.ForwardedRequests(SipMethods.Invite), exact, log);
        AssertCount(1, stats.ForwardedRequests(SipMethods.Bye), exact, log);
        AssertCount(1, stats.ForwardedRequests(SipMethods.Options), exact, log);
        AssertCount(2, stats.ForwardedRequests(SipMethods.Ack), exact, log);
        AssertCount(5, stats.InDialogRequestsForwarded, exact, log);
        Assert.Equal(3, stats.Challenges); // two 401s for the REGISTERs, one 407 for the INVITE
        Assert.Equal(2, stats.RegistrationsAccepted);

        Assert.Equal(200, (await aliceReg.UnregisterAsync(ct)).StatusCode);
        Assert.Equal(200, (await bobReg.UnregisterAsync(ct)).StatusCode);
        Assert.Empty(server.GetBindings("bob"));
        Assert.Equal(0, stats.SendFailures);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_callee_whose_contact_is_unreachable_is_reached_over_its_registration_flow(SipTransportProtocol transport)
    {
        // As behind a NAT: Bob's Contact names a private address nobody can reach (TEST-NET-3, no route here); the
        // server must use the source of his REGISTER for the INVITE and for in-dialog requests to that Contact.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        var log = new ListLoggerFactory();
        await using SipServer server = await StartServerAsync(ct, log);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", transport, ct);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", transport, ct, contactHost: "203.0.113.77");
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, token) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp("v=0\r\n"), token));
        await RegisterAsync(alice, ct);
        await RegisterAsync(bob, ct);
        Assert.Equal("203.0.113.77", Assert.Single(server.GetBindings("bob")).Host);

        SipCallResult result = await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);

        Assert.True(result.Succeeded, "status " + result.StatusCode + "\n" + log.Text);
        Assert.Equal("203.0.113.77", result.Dialog!.RemoteTarget.Host);
        Assert.Equal(200, (await result.Dialog.OptionsAsync(ct)).StatusCode);
        Assert.Equal(200, (await result.Dialog.ByeAsync(ct))!.StatusCode);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await (await bobDialog.Task.WaitAsync(ct)).Ended.WaitAsync(ct)).Reason);
        Assert.Equal(0, server.Statistics.SendFailures);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task Agents_call_through_the_server_over_ipv6_loopback(SipTransportProtocol transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        var log = new ListLoggerFactory();
        await using SipServer server = await SipServer.StartAsync(Options(null, log) with { ListenEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) }, ct);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", transport, ct, address: IPAddress.IPv6Loopback);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", transport, ct, address: IPAddress.IPv6Loopback);
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, token) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp("v=0\r\n"), token));
        await RegisterAsync(alice, ct);
        await RegisterAsync(bob, ct);

        SipCallResult result = await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);

        Assert.True(result.Succeeded, "status " + result.StatusCode + "\n" + log.Text);
        Assert.Equal("[::1]", Assert.Single(result.Dialog!.RouteSet).Uri.Host);
        Assert.Equal(200, (await result.Dialog.ByeAsync(ct))!.StatusCode);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await (await bobDialog.Task.WaitAsync(ct)).Ended.WaitAsync(ct)).Reason);
        Assert.InRange(server.Statistics.ForwardedRequests(SipMethods.Bye), 1, 3); // over UDP a slow 200 means a retransmitted BYE
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_ringing_call_is_cancelled_through_the_server(SipTransportProtocol transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        var log = new ListLoggerFactory();
        await using SipServer server = await StartServerAsync(ct, log);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", transport, ct);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", transport, ct);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = (call, _) =>
        {
            call.Cancelled.Register(() => cancelled.TrySetResult());
            call.Ring();
            return ValueTask.CompletedTask;
        };
        await RegisterAsync(alice, ct);
        await RegisterAsync(bob, ct);
        using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(ct);

        Task<SipCallResult> invite = alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\n"), r =>
        {
            if (r.StatusCode == 180)
            {
                hangUp.Cancel();
            }
        }, hangUp.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invite);
        await cancelled.Task.WaitAsync(ct);
        Assert.True(server.Statistics.ForwardedRequests(SipMethods.Cancel) >= 1, log.Text);
        Assert.Empty(bob.Dialogs);
        Assert.Empty(alice.Dialogs);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task Busy_unregistered_and_unknown_callees_get_486_480_and_404(SipTransportProtocol transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        await using SipServer server = await StartServerAsync(ct);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", transport, ct);
        await using SipUserAgent bob = await StartAgentAsync(server, "bob", transport, ct);
        bob.IncomingCall = (call, _) =>
        {
            call.Reject(486);
            return ValueTask.CompletedTask;
        };
        await RegisterAsync(alice, ct);
        await RegisterAsync(bob, ct);

        SipCallResult busy = await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);
        SipCallResult offline = await alice.InviteAsync(Aor("carol"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);
        SipCallResult unknown = await alice.InviteAsync(Aor("dave"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);

        Assert.Equal(486, busy.StatusCode);
        Assert.Equal(480, offline.StatusCode);
        Assert.Equal(404, unknown.StatusCode);
        Assert.Empty(alice.Dialogs);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_wrong_password_is_refused_with_403(SipTransportProtocol transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using SipServer server = await StartServerAsync(timeout.Token);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", transport, timeout.Token, password: "wrong");

        SipRegistrationException error = await Assert.ThrowsAsync<SipRegistrationException>(() => RegisterAsync(alice, timeout.Token));

        Assert.Equal(403, error.StatusCode);
        Assert.Empty(server.GetBindings("alice"));
        Assert.Equal(1, server.Statistics.RegistrationsRefused);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, ct);
        }
    }

    private static void AssertCount(long expected, long actual, bool exact, ListLoggerFactory log) =>
        Assert.True(exact ? actual == expected : actual >= expected && actual <= expected + 3, $"expected {expected}, got {actual}\n{log.Text}");
}
