using System.Net;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Interop.Tests.Infrastructure;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>VoipKit's user agent against SIPp, peer to peer: SIPp as caller and as callee.</summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class UserAgentSippTests
{
    internal const string Offer =
        "v=0\r\no=voipkit 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

    internal const string Answer =
        "v=0\r\no=voipkit 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

    internal const string HeldAnswer =
        "v=0\r\no=voipkit 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=recvonly\r\n";

    // --- SIPp calls VoipKit ---

    [Fact]
    public async Task Sipp_calls_and_hangs_up()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token);
        var dialog = AnswerAll(bob, (call, ct) => call.AcceptAsync(SipBody.Sdp(Answer), ct));

        SippResult caller = await Sipp.CallAsync("uac-call-bye.xml", bob.LocalEndPoint, "bob", timeout.Token);

        caller.AssertSucceeded();
        SipDialog d = await dialog.Task.WaitAsync(timeout.Token);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await d.Ended.WaitAsync(timeout.Token)).Reason);
        Assert.Contains("a=rtpmap:111 opus/48000/2", d.RemoteBody!.ToString(), StringComparison.Ordinal);
        SipLogMessage ok = caller.Messages.First(m => !m.Sent && m.StatusCode == 200 && m.Method == "INVITE");
        Assert.Equal(Answer, System.Text.Encoding.UTF8.GetString(ok.Parse().Body.Span));
    }

    [Fact]
    public async Task Sipp_calls_and_voipkit_hangs_up()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token);
        var dialog = AnswerAll(bob, (call, ct) => call.AcceptAsync(SipBody.Sdp(Answer), ct));

        Task<SippResult> caller = Sipp.CallAsync("uac-callee-bye.xml", bob.LocalEndPoint, "bob", timeout.Token);
        SipDialog d = await dialog.Task.WaitAsync(timeout.Token);
        SipResponse? bye = await d.ByeAsync(timeout.Token);

        (await caller).AssertSucceeded();
        Assert.Equal(200, bye!.StatusCode);
    }

    [Fact]
    public async Task Sipp_cancels_while_voipkit_rings()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = (call, _) =>
        {
            call.Cancelled.Register(() => cancelled.TrySetResult());
            call.Ring();
            return ValueTask.CompletedTask;
        };

        SippResult caller = await Sipp.CallAsync("uac-cancel.xml", bob.LocalEndPoint, "bob", timeout.Token);

        caller.AssertSucceeded();
        await cancelled.Task.WaitAsync(timeout.Token);
        Assert.Empty(bob.Dialogs);
    }

    [Fact]
    public async Task Voipkit_rejects_busy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token);
        bob.IncomingCall = (call, _) =>
        {
            call.Reject(486);
            return ValueTask.CompletedTask;
        };

        SippResult caller = await Sipp.CallAsync("uac-busy.xml", bob.LocalEndPoint, "bob", timeout.Token);

        caller.AssertSucceeded();
    }

    [Fact]
    public async Task Sipp_puts_voipkit_on_hold_with_a_reinvite()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SipUserAgent bob = await StartAgent("bob", null, timeout.Token);
        string? holdOffer = null;
        var dialog = AnswerAll(bob, async (call, ct) =>
        {
            SipDialog d = await call.AcceptAsync(SipBody.Sdp(Answer), ct);
            d.OfferReceived = (offer, _) =>
            {
                holdOffer = offer.ToString();
                return ValueTask.FromResult<SipBody?>(SipBody.Sdp(HeldAnswer));
            };
            return d;
        });

        SippResult caller = await Sipp.CallAsync("uac-reinvite.xml", bob.LocalEndPoint, "bob", timeout.Token);

        caller.AssertSucceeded();
        SipDialog d = await dialog.Task.WaitAsync(timeout.Token);
        await d.Ended.WaitAsync(timeout.Token);
        Assert.Contains("a=sendonly", holdOffer, StringComparison.Ordinal);
        SipLogMessage second = caller.Messages.Last(m => !m.Sent && m.StatusCode == 200 && m.Method == "INVITE");
        Assert.Contains("a=recvonly", second.Text, StringComparison.Ordinal);
    }

    // --- VoipKit calls SIPp ---

    [Fact]
    public async Task Voipkit_calls_and_hangs_up()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", null, timeout.Token);
        var provisional = new List<int>();

        SipCallResult result = await alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), r => provisional.Add(r.StatusCode), timeout.Token);
        Assert.True(result.Succeeded, "status " + result.StatusCode);
        await result.Dialog!.ByeAsync(timeout.Token);

        SippResult sipp = await callee.WaitForExitAsync(timeout.Token);
        sipp.AssertSucceeded();
        // A cold (JIT-compiling) first call may be slow enough for SIPp to retransmit its 200; each copy is acknowledged.
        string flow = string.Join(" ", sipp.Flow.Where(f => f != ">200 INVITE" && f != "<ACK"));
        Assert.Equal("<INVITE >100 INVITE >180 INVITE <BYE >200 BYE", flow);
        Assert.Equal(sipp.Flow.Count(f => f == ">200 INVITE"), sipp.Flow.Count(f => f == "<ACK"));
        Assert.Contains(180, provisional);
        SipMessage invite = sipp.Messages.First(m => !m.Sent && m.Method == "INVITE").Parse();
        Assert.Single(invite.Via);
        Assert.Equal("90", invite.GetHeader(SipHeaderNames.MinSE));
    }

    [Fact]
    public async Task Sipp_hangs_up_on_voipkit()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-answer-then-bye.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", null, timeout.Token);

        SipCallResult result = await alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), cancellationToken: timeout.Token);
        Assert.True(result.Succeeded, "status " + result.StatusCode);

        Assert.Equal(SipDialogEndReason.RemoteHangup, (await result.Dialog!.Ended.WaitAsync(timeout.Token)).Reason);
        (await callee.WaitForExitAsync(timeout.Token)).AssertSucceeded();
    }

    [Fact]
    public async Task Voipkit_cancels_a_ringing_call()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-cancel.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", null, timeout.Token);
        using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);

        Task<SipCallResult> call = alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), r =>
        {
            if (r.StatusCode == 180)
            {
                hangUp.Cancel();
            }
        }, hangUp.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        SippResult sipp = await callee.WaitForExitAsync(timeout.Token);
        sipp.AssertSucceeded();
        Assert.Contains("<CANCEL", sipp.Flow);
        Assert.Contains("<ACK", sipp.Flow);
    }

    [Fact]
    public async Task Voipkit_gets_busy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-busy.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", null, timeout.Token);

        SipCallResult result = await alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), cancellationToken: timeout.Token);

        Assert.Equal(486, result.StatusCode);
        (await callee.WaitForExitAsync(timeout.Token)).AssertSucceeded();
    }

    [Fact]
    public async Task Voipkit_reinvites_sipp()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-reinvite.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", null, timeout.Token);

        SipCallResult result = await alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), cancellationToken: timeout.Token);
        Assert.True(result.Succeeded, "status " + result.StatusCode);
        SipResponse reinvite = await result.Dialog!.ReinviteAsync(SipBody.Sdp(Offer.Replace("sendrecv", "sendonly", StringComparison.Ordinal)), timeout.Token);
        await result.Dialog.ByeAsync(timeout.Token);

        Assert.Equal(200, reinvite.StatusCode);
        Assert.Contains("a=recvonly", result.Dialog.RemoteBody!.ToString(), StringComparison.Ordinal);
        (await callee.WaitForExitAsync(timeout.Token)).AssertSucceeded();
    }

    [Fact]
    public async Task Voipkit_answers_a_digest_challenge_from_sipp()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await using SippProcess callee = await Sipp.StartUasAsync("uas-401.xml", "bob", timeout.Token);
        await using SipUserAgent alice = await StartAgent("alice", new SipCredentials("alice", "secret-a"), timeout.Token);

        SipCallResult result = await alice.InviteAsync(SipUri.Parse(callee.Uri), SipBody.Sdp(Offer), cancellationToken: timeout.Token);
        Assert.True(result.Succeeded, "status " + result.StatusCode);
        await result.Dialog!.ByeAsync(timeout.Token);

        SippResult sipp = await callee.WaitForExitAsync(timeout.Token);
        sipp.AssertSucceeded();
        SipLogMessage authorized = sipp.Messages.Last(m => !m.Sent && m.Method == "INVITE");
        Assert.Contains("Digest username=\"alice\"", authorized.Header("Authorization"), StringComparison.Ordinal);
    }

    internal static async Task<SipUserAgent> StartAgent(
        string user, SipCredentials? credentials, CancellationToken cancellationToken, string? domain = null, SipUri? proxy = null, SipTransportProtocol transport = SipTransportProtocol.Udp)
    {
        var agent = new SipUserAgent(new SipUserAgentOptions
        {
            Transport = transport,
            Identity = SipUri.Parse($"sip:{user}@{domain ?? "voipkit.test"}"),
            Credentials = credentials,
            OutboundProxy = proxy,
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
        await agent.StartAsync(cancellationToken);
        return agent;
    }

    /// <summary>Answers every incoming call with <paramref name="answer"/>; the first dialog completes the returned source.</summary>
    internal static TaskCompletionSource<SipDialog> AnswerAll(SipUserAgent agent, Func<SipIncomingCall, CancellationToken, Task<SipDialog>> answer)
    {
        var first = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.IncomingCall = async (call, ct) => first.TrySetResult(await answer(call, ct));
        return first;
    }
}
