using VoipKit.Signaling.Messages;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>Two user agents call each other over the in-memory network in virtual time.</summary>
public sealed class UserAgentCallTests : IAsyncLifetime
{
    private const string OfferSdp = "v=0\r\no=alice 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";
    private const string AnswerSdp = "v=0\r\no=bob 1 1 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.3\r\nt=0 0\r\nm=audio 41000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";

    private readonly InMemorySipNetwork _net = new();
    private SipUserAgent _alice = null!;
    private SipUserAgent _bob = null!;

    private SipUri BobUri => SipUri.Parse("sip:bob@" + _bob.LocalEndPoint);

    public async Task InitializeAsync()
    {
        _alice = _net.CreateAgent(_net.Options("alice"));
        _bob = _net.CreateAgent(_net.Options("bob"));
        await _alice.StartAsync();
        await _bob.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
    }

    [Fact]
    public async Task Call_is_answered_acknowledged_and_hung_up_by_the_caller()
    {
        var bobDialog = new TaskCompletionSource<SipDialog>();
        SipBody? offerSeen = null;
        _bob.IncomingCall = async (call, ct) =>
        {
            offerSeen = call.Offer;
            call.Ring();
            bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));
        };
        var provisional = new List<int>();

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp), r => provisional.Add(r.StatusCode)));
        SipDialog bob = await _net.Run(bobDialog.Task);

        Assert.True(result.Succeeded);
        Assert.Equal(200, result.StatusCode);
        Assert.Contains(180, provisional);
        SipDialog alice = result.Dialog!;
        Assert.Equal(SipDialogState.Confirmed, alice.State);
        Assert.Equal(SipDialogState.Confirmed, bob.State);
        Assert.Equal(OfferSdp, offerSeen!.ToString());
        Assert.Equal(AnswerSdp, alice.RemoteBody!.ToString());
        Assert.Equal(OfferSdp, bob.RemoteBody!.ToString());
        Assert.Equal(alice.CallId, bob.CallId);
        Assert.Equal(alice.LocalTag, bob.RemoteTag);
        Assert.Equal(alice.RemoteTag, bob.LocalTag);
        Assert.Equal(_bob.LocalEndPoint.Port, alice.RemoteTarget.Port);
        Assert.Single(_net.Requests(SipMethods.Ack));

        SipResponse? byeResponse = await _net.Run(alice.ByeAsync());
        Assert.Equal(200, byeResponse!.StatusCode);
        Assert.Equal(SipDialogEndReason.LocalHangup, (await alice.Ended).Reason);
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await _net.Run(bob.Ended)).Reason);
        Assert.Empty(_alice.Dialogs);
        Assert.Empty(_bob.Dialogs);
    }

    [Fact]
    public async Task Callee_can_hang_up()
    {
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));
        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipDialog bob = await _net.Run(bobDialog.Task);

        await _net.Run(bob.ByeAsync());

        SipDialogEnd end = await _net.Run(result.Dialog!.Ended);
        Assert.Equal(SipDialogEndReason.RemoteHangup, end.Reason);
        SipRequest bye = Assert.Single(_net.Requests(SipMethods.Bye));
        Assert.Equal(result.Dialog.LocalTag, bye.To!.Tag);
        Assert.Equal(_alice.LocalEndPoint.Port, bye.RequestUri.Port); // sent to alice's Contact
    }

    [Theory]
    [InlineData(486)]
    [InlineData(480)]
    [InlineData(603)]
    public async Task Rejected_call_reports_the_status_and_is_acknowledged(int status)
    {
        _bob.IncomingCall = (call, _) =>
        {
            call.Reject(status);
            return ValueTask.CompletedTask;
        };

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));

        Assert.False(result.Succeeded);
        Assert.Equal(status, result.StatusCode);
        await _net.Advance(TimeSpan.FromMilliseconds(50));
        SipRequest ack = Assert.Single(_net.Requests(SipMethods.Ack));
        Assert.Equal(result.Response!.To!.Tag, ack.To!.Tag);
        Assert.Empty(_alice.Dialogs);
    }

    [Fact]
    public async Task Agent_without_a_handler_answers_480_with_a_to_tag()
    {
        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        Assert.Equal(480, result.StatusCode);
        Assert.NotNull(result.Response!.To!.Tag); // RFC 3261 8.2.6.2
    }

    [Fact]
    public async Task Cancelled_does_not_fire_for_an_answered_call()
    {
        var accepted = new TaskCompletionSource<SipIncomingCall>();
        _bob.IncomingCall = async (call, ct) =>
        {
            await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct);
            accepted.SetResult(call);
        };

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipIncomingCall incoming = await _net.Run(accepted.Task);
        await _net.Advance(TimeSpan.FromSeconds(40)); // past timer L, when the INVITE transaction ends

        Assert.True(result.Succeeded);
        Assert.False(incoming.Cancelled.IsCancellationRequested);
    }

    [Fact]
    public async Task Invite_for_another_user_gets_404()
    {
        _bob.IncomingCall = (_, _) => throw new InvalidOperationException("must not ring");
        SipCallResult result = await _net.Run(_alice.InviteAsync(SipUri.Parse("sip:carol@" + _bob.LocalEndPoint), SipBody.Sdp(OfferSdp)));
        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task The_same_invite_over_a_second_path_gets_482_and_rings_once()
    {
        int rings = 0;
        _bob.IncomingCall = (call, _) =>
        {
            Interlocked.Increment(ref rings);
            call.Ring();
            return ValueTask.CompletedTask;
        };
        _net.Rewrite = (from, to, m) =>
        {
            if (m is SipRequest { Method: SipMethods.Invite } invite && !invite.GetHeader(SipHeaderNames.Via)!.Contains("forked", StringComparison.Ordinal))
            {
                // A forking proxy would deliver a copy with its own branch: inject it beside the original.
                var copy = (SipRequest)SipMessage.Parse(invite.ToArray());
                copy.SetHeader(SipHeaderNames.Via, copy.GetHeader(SipHeaderNames.Via)!.Replace("branch=z9hG4bK", "branch=z9hG4bKforked", StringComparison.Ordinal));
                _net.Send(from, to, copy);
            }
        };

        Task<SipCallResult> invite = _alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp));
        await _net.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, rings);
        Assert.Single(_net.Responses(482)); // whichever copy came second (here the injected one arrives first)
    }

    [Fact]
    public async Task The_200_to_cancel_carries_the_to_tag_of_the_ringing()
    {
        _bob.IncomingCall = (call, _) =>
        {
            call.Ring();
            return ValueTask.CompletedTask;
        };
        using var cts = new CancellationTokenSource();
        Task<SipCallResult> invite = _alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp), r =>
        {
            if (r.StatusCode == 180)
            {
                cts.Cancel();
            }
        }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _net.Run(invite));

        string? ringingTag = _net.Responses(180).Single().To!.Tag;
        Assert.NotNull(ringingTag);
        Assert.Equal(ringingTag, _net.Responses(200).Single(r => r.CSeq!.Value.Method == SipMethods.Cancel).To!.Tag);
        Assert.Equal(ringingTag, _net.Responses(487).Single().To!.Tag);
    }

    [Fact]
    public async Task Answered_calls_do_not_count_against_the_pending_call_cap()
    {
        _bob.IncomingCall = async (call, ct) => await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct);
        int calls = SipUserAgentServer.MaxPendingIncomingCalls + 20;

        for (int i = 0; i < calls; i++) // all within 32 s, while their INVITE transactions still live
        {
            SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
            Assert.True(result.Succeeded, $"call {i}: {result.StatusCode}");
            await _net.Run(result.Dialog!.ByeAsync());
        }

        Assert.Empty(_net.Responses(503));
    }

    [Fact]
    public async Task Handler_that_throws_answers_500()
    {
        _bob.IncomingCall = (_, _) => throw new InvalidOperationException("application bug");
        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        Assert.Equal(500, result.StatusCode);
    }

    [Fact]
    public async Task Caller_cancels_while_it_rings()
    {
        var cancelled = new TaskCompletionSource();
        _bob.IncomingCall = (call, _) =>
        {
            call.Ring();
            call.Cancelled.Register(() => cancelled.SetResult());
            return ValueTask.CompletedTask;
        };
        using var cts = new CancellationTokenSource();
        Task<SipCallResult> invite = _alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp), r =>
        {
            if (r.StatusCode == 180)
            {
                cts.Cancel();
            }
        }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _net.Run(invite));
        await _net.Run(cancelled.Task);

        Assert.Single(_net.Requests(SipMethods.Cancel));
        Assert.Contains(_net.Responses(487), r => r.CSeq!.Value.Method == SipMethods.Invite);
        await _net.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Single(_net.Requests(SipMethods.Ack)); // the 487 is acknowledged
        Assert.Empty(_alice.Dialogs);
        Assert.Empty(_bob.Dialogs);
    }

    [Fact]
    public async Task Answer_that_crosses_the_cancel_is_acknowledged_and_hung_up()
    {
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) =>
        {
            call.Ring();
            bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), CancellationToken.None));
        };

        // Alice cancels when the 180 arrives; Bob's 200 (sent right after his 180) is already on the wire.
        using var cts = new CancellationTokenSource();
        Task<SipCallResult> invite = _alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp), r =>
        {
            if (r.StatusCode == 180)
            {
                cts.Cancel();
            }
        }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _net.Run(invite));
        SipDialog bob = await _net.Run(bobDialog.Task);
        SipDialogEnd end = await _net.Run(bob.Ended);

        Assert.Equal(SipDialogEndReason.RemoteHangup, end.Reason);
        Assert.Single(_net.Requests(SipMethods.Bye));
        Assert.Empty(_alice.Dialogs);
    }

    [Fact]
    public async Task Lost_ack_is_recovered_by_the_2xx_retransmission()
    {
        int acks = 0;
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Ack } && Interlocked.Increment(ref acks) == 1;
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipDialog bob = await _net.Run(bobDialog.Task);

        Assert.True(result.Succeeded);
        Assert.Equal(SipDialogState.Confirmed, bob.State);
        Assert.Equal(2, _net.Requests(SipMethods.Ack).Count());
        Assert.True(_net.Responses(200).Count(r => r.CSeq!.Value.Method == SipMethods.Invite) >= 2);
    }

    [Fact]
    public async Task Ack_that_arrives_while_the_200_is_still_being_sent_confirms_the_call()
    {
        // A loaded machine can preempt the callee right after its 200 left the socket: the ACK must still be matched.
        // Here the ACK is delivered inside the callee's send of the 200, and the caller's own ACKs are lost.
        _net.Rewrite = (from, to, m) =>
        {
            if (m is SipResponse { StatusCode: 200 } ok && ok.CSeq!.Value.Method == SipMethods.Invite)
            {
                string ack =
                    $"ACK sip:bob@{from} SIP/2.0\r\nVia: SIP/2.0/UDP {to};branch=z9hG4bKearlyack\r\nMax-Forwards: 70\r\n" +
                    $"From: {ok.GetHeader(SipHeaderNames.From)}\r\nTo: {ok.GetHeader(SipHeaderNames.To)}\r\n" +
                    $"Call-ID: {ok.CallId}\r\nCSeq: {ok.CSeq!.Value.Number} ACK\r\nContent-Length: 0\r\n\r\n";
                _net.DeliverNow(to, from, SipMessage.Parse(System.Text.Encoding.ASCII.GetBytes(ack)));
            }
        };
        _net.Drop = (from, _, m) => m is SipRequest { Method: SipMethods.Ack } && from.Equals(_alice.LocalEndPoint);
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipDialog bob = await _net.Run(bobDialog.Task, TimeSpan.FromSeconds(5));
        await _net.Advance(TimeSpan.FromSeconds(40));

        Assert.True(result.Succeeded);
        Assert.Equal(SipDialogState.Confirmed, bob.State);
        Assert.False(bob.Ended.IsCompleted);
        Assert.Single(_net.Responses(200), r => r.CSeq!.Value.Method == SipMethods.Invite); // no 2xx retransmission
    }

    [Fact]
    public async Task Dispose_retransmits_the_bye_of_a_call_still_up_until_the_peer_answers()
    {
        int byes = 0;
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Bye } && Interlocked.Increment(ref byes) == 1;
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));
        SipUserAgent carol = await StartCallerWithDefaultShutdown();
        SipCallResult result = await _net.Run(carol.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipDialog bob = await _net.Run(bobDialog.Task);

        DateTimeOffset start = _net.Time.GetUtcNow();
        await _net.Run(carol.DisposeAsync().AsTask());

        Assert.Equal(SipDialogEndReason.Shutdown, (await result.Dialog!.Ended).Reason);
        Assert.True(bob.Ended.IsCompleted, "the callee still thinks the call is up");
        Assert.Equal(SipDialogEndReason.RemoteHangup, (await bob.Ended).Reason);
        Assert.Equal(2, _net.Requests(SipMethods.Bye).Count()); // the lost one and its retransmission at 0.5 s
        Assert.Single(_net.Responses(200), r => r.CSeq!.Value.Method == SipMethods.Bye);
        Assert.True(_net.Time.GetUtcNow() - start < TimeSpan.FromSeconds(1), "dispose waited past the answer");
    }

    [Fact]
    public async Task Dispose_gives_up_on_an_unanswered_bye_after_the_shutdown_timeout()
    {
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Bye };
        _bob.IncomingCall = async (call, ct) => await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct);
        SipUserAgent carol = await StartCallerWithDefaultShutdown();
        await _net.Run(carol.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));

        DateTimeOffset start = _net.Time.GetUtcNow();
        await _net.Run(carol.DisposeAsync().AsTask());
        TimeSpan waited = _net.Time.GetUtcNow() - start;

        Assert.InRange(waited, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.1)); // the default ShutdownTimeout
        Assert.Equal(3, _net.Requests(SipMethods.Bye).Count()); // sent at 0, 0.5 and 1.5 s
    }

    private async Task<SipUserAgent> StartCallerWithDefaultShutdown()
    {
        SipUserAgent carol = _net.CreateAgent(_net.Options("carol", o => o with { ShutdownTimeout = new SipUserAgentOptions { Identity = o.Identity }.ShutdownTimeout }));
        await carol.StartAsync();
        return carol;
    }

    [Fact]
    public async Task Callee_that_never_gets_the_ack_hangs_up_after_64_T1()
    {
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Ack };
        Task<SipDialog>? accept = null;
        var accepted = new TaskCompletionSource();
        _bob.IncomingCall = (call, ct) =>
        {
            accept = call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct);
            accepted.SetResult();
            return ValueTask.CompletedTask;
        };

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        await _net.Run(accepted.Task);

        await Assert.ThrowsAsync<SipUserAgentException>(() => _net.Run(accept!, TimeSpan.FromSeconds(40)));
        SipDialogEnd aliceEnd = await _net.Run(result.Dialog!.Ended);
        Assert.Equal(SipDialogEndReason.RemoteHangup, aliceEnd.Reason);
        int retransmissions = _net.Responses(200).Count(r => r.CSeq!.Value.Method == SipMethods.Invite);
        Assert.InRange(retransmissions, 9, 12); // 0.5, 1, 2, 4, 4, ... s within 32 s
    }

    [Fact]
    public async Task Request_for_an_unknown_dialog_gets_481()
    {
        var bobDialog = new TaskCompletionSource<SipDialog>();
        _bob.IncomingCall = async (call, ct) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct));
        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipDialog bob = await _net.Run(bobDialog.Task);
        bob.End(new SipDialogEnd(SipDialogEndReason.Shutdown)); // Bob forgets the dialog without telling Alice

        SipResponse response = await _net.Run(result.Dialog!.OptionsAsync());

        Assert.Equal(481, response.StatusCode);
        Assert.Equal(SipDialogEndReason.DialogLost, (await result.Dialog.Ended).Reason);
    }

    [Fact]
    public async Task Out_of_dialog_options_is_answered_with_capabilities()
    {
        SipResponse response = await _net.Run(_alice.OptionsAsync(BobUri));
        Assert.Equal(200, response.StatusCode);
        Assert.NotNull(response.To!.Tag);
        Assert.Contains("UPDATE", response.GetHeader(SipHeaderNames.Allow), StringComparison.Ordinal);
        Assert.Contains("timer", response.Supported);
    }

    [Fact]
    public async Task Unknown_required_extension_gets_420()
    {
        _bob.IncomingCall = (call, _) => throw new InvalidOperationException("must not be reached");
        _net.Rewrite = (_, _, m) =>
        {
            if (m is SipRequest { Method: SipMethods.Invite } r)
            {
                r.AddHeader(SipHeaderNames.Require, "100rel, foo");
            }
        };

        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));

        Assert.Equal(420, result.StatusCode);
        Assert.Equal("100rel, foo", result.Response!.GetHeader(SipHeaderNames.Unsupported));
    }

    [Fact]
    public async Task Calls_are_counted_on_the_meter()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, object? Outcome)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == _alice.Metrics.Meter || instrument.Meter == _bob.Metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Add((instrument.Name, tags.ToArray().FirstOrDefault(t => t.Key == "outcome").Value)));
        listener.Start();
        int calls = 0;
        _bob.IncomingCall = async (call, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await call.AcceptAsync(SipBody.Sdp(AnswerSdp), ct);
            }
            else
            {
                call.Reject(486);
            }
        };

        SipCallResult answered = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        SipCallResult busy = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)));
        await _net.Advance(TimeSpan.FromMilliseconds(50));

        Assert.True(answered.Succeeded);
        Assert.Equal(486, busy.StatusCode);
        Assert.Contains(("voipkit.sip.calls_placed", (object?)"2xx"), measurements);
        Assert.Contains(("voipkit.sip.calls_placed", (object?)"4xx"), measurements);
        Assert.Contains(("voipkit.sip.calls_received", (object?)"answered"), measurements);
        Assert.Contains(("voipkit.sip.calls_received", (object?)"rejected"), measurements);
        listener.RecordObservableInstruments();
    }

    [Fact]
    public async Task Call_the_application_never_answers_gets_480_after_the_timeout()
    {
        await using SipUserAgent carol = _net.CreateAgent(_net.Options("carol", o => o with { IncomingCallTimeout = TimeSpan.FromSeconds(20) }));
        await carol.StartAsync();
        CancellationToken seen = default;
        carol.IncomingCall = (call, _) =>
        {
            seen = call.Cancelled;
            call.Ring();
            return ValueTask.CompletedTask; // and forgets it
        };

        SipCallResult result = await _net.Run(_alice.InviteAsync(SipUri.Parse("sip:carol@" + carol.LocalEndPoint), SipBody.Sdp(OfferSdp)), TimeSpan.FromSeconds(30));

        Assert.Equal(480, result.StatusCode);
        Assert.True(seen.IsCancellationRequested);
        await _net.Advance(TimeSpan.FromSeconds(33)); // timer H / I: the server transaction ends
        Assert.Equal(0, carol.Layer.Count);
    }

    [Fact]
    public async Task No_answer_times_out_as_408()
    {
        _net.Drop = (_, _, m) => m is SipRequest { Method: SipMethods.Invite };
        SipCallResult result = await _net.Run(_alice.InviteAsync(BobUri, SipBody.Sdp(OfferSdp)), TimeSpan.FromSeconds(40));
        Assert.Equal(408, result.StatusCode);
        Assert.Null(result.Response!.To!.Tag);
    }
}
