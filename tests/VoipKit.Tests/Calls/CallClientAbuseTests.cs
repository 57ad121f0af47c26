using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Crypto.Signal;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Tests.Calls;

/// <summary>
/// What a stranger (an INVITE straight to the client's SIP port) and the remote party of a call can make a
/// <see cref="CallClient"/> do with its incoming INVITEs: every forged, replayed or downgraded offer is refused with
/// 488 before the app hears of it, and good calls still work afterwards.
/// </summary>
public sealed class CallClientAbuseTests
{
    [Fact]
    public async Task Stranger_INVITE_with_a_garbage_call_key_is_refused_488_and_never_reaches_the_app()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        await using SipUserAgent stranger = await StrangerAsync();
        byte[] sdp = Offer(endToEnd: true);
        var parts = new List<E2eCallBody.SealedPart> { new(1, 1, new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, new byte[120])) };

        SipCallResult result = await stranger.InviteAsync(Direct(bob), E2eCallBody.Build(sdp, parts), null, Timeout());
        Assert.Equal(488, result.StatusCode);
        Assert.False(bob.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task Genuine_call_key_replayed_with_a_modified_offer_is_refused_488()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        using EndToEndKeys alice = AliceKeys(bed.Directory);
        byte[] sdp = Offer(endToEnd: true);
        EndToEndKeys.SealedOffer sealedOffer = (await alice.SealAsync("bob@voipkit.test", sdp, Timeout()))!;
        sealedOffer.Secret.Dispose();
        // The remote party (or a server on the path) swaps the media address: the sealed secret is bound to the original bytes.
        byte[] tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sdp).Replace("127.0.0.1", "127.0.0.2", StringComparison.Ordinal));
        await using SipUserAgent stranger = await StrangerAsync("alice");

        SipCallResult result = await stranger.InviteAsync(Direct(bob), E2eCallBody.Build(tampered, [sealedOffer.Part]), null, Timeout());
        Assert.Equal(488, result.StatusCode);
        Assert.False(bob.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task Replayed_INVITE_body_of_an_earlier_call_is_refused_488()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        using EndToEndKeys alice = AliceKeys(bed.Directory);
        byte[] sdp = Offer(endToEnd: true);
        EndToEndKeys.SealedOffer sealedOffer = (await alice.SealAsync("bob@voipkit.test", sdp, Timeout()))!;
        sealedOffer.Secret.Dispose();
        SipBody body = E2eCallBody.Build(sdp, [sealedOffer.Part]);
        await using SipUserAgent sender = await StrangerAsync("alice");

        // First delivery: a genuine call, declined by the app.
        Task<SipCallResult> first = sender.InviteAsync(Direct(bob), body, null, Timeout());
        IncomingCall ringing = await bob.IncomingCalls.ReadAsync(Timeout());
        await ringing.DeclineAsync(603);
        Assert.Equal(603, (await first).StatusCode);

        // The same sealed secret again: its message key is spent.
        SipCallResult replay = await sender.InviteAsync(Direct(bob), body, null, Timeout());
        Assert.Equal(488, replay.StatusCode);
        Assert.False(bob.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task Offer_without_end_to_end_keys_is_refused_488_under_the_default_policy()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient bob = await bed.StartClientAsync("bob");
        await using SipUserAgent phone = await StrangerAsync();

        SipCallResult result = await phone.InviteAsync(Direct(bob), new SipBody(SipBody.SdpContentType, Offer(endToEnd: false)), null, Timeout());
        Assert.Equal(488, result.StatusCode);
        Assert.False(bob.IncomingCalls.TryRead(out _));
    }

    [Fact]
    public async Task After_a_flood_of_forged_INVITEs_a_genuine_call_still_connects()
    {
        await using CallTestBed bed = await CallTestBed.StartAsync("alice", "bob");
        CallClient alice = await bed.StartClientAsync("alice");
        CallClient bob = await bed.StartClientAsync("bob");
        await using SipUserAgent stranger = await StrangerAsync();
        byte[] sdp = Offer(endToEnd: true);
        var forged = E2eCallBody.Build(sdp, [new(1, 1, new CiphertextMessage(CiphertextMessageType.SignalMessage, Encoding.ASCII.GetBytes("not a signal message at all")))]);
        SipCallResult[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => stranger.InviteAsync(Direct(bob), forged, null, Timeout())));
        Assert.All(results, r => Assert.Equal(488, r.StatusCode));

        (Call caller, Call callee) = await CallTestBed.ConnectAsync(alice, bob, new Audio.SilenceSource(), new RecordingSink(), new Audio.SilenceSource(), new RecordingSink());
        Assert.Equal(CallSecurity.EndToEndUnverified, callee.Security);
        await caller.HangUpAsync();
    }

    [Fact]
    public async Task Remote_party_answering_without_ICE_cannot_aim_the_callers_media_at_another_host()
    {
        // Mallory is a genuine end-to-end peer (she has keys and opens the call secret) whose answer has no ICE and
        // names a victim's address as her media address: without consent checks the caller would stream at the victim.
        using var victim = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int victimPort = ((IPEndPoint)victim.Client.LocalEndPoint!).Port;
        var directory = new InMemoryPreKeyDirectory();
        await using SipUserAgent mallory = await StrangerAsync("mallory");
        string malloryAor = $"mallory@127.0.0.1:{mallory.LocalEndPoint.Port}";
        var malloryStore = new InMemorySignalProtocolStore(KeyHelper.GenerateIdentityKeyPair(), KeyHelper.GenerateRegistrationId());
        using var malloryKeys = new EndToEndKeys(malloryStore, directory, malloryAor, 1, TimeProvider.System, NullLogger.Instance);
        await malloryKeys.PublishAsync(5, Timeout());
        mallory.IncomingCall = async (call, ct) =>
        {
            Assert.True(E2eCallBody.TryParse(call.Offer!, out ReadOnlyMemory<byte> sdp, out var keys));
            EndToEndKeys.OpenedOffer opened = await malloryKeys.OpenAsync("alice@127.0.0.1", keys, sdp, ct);
            opened.Secret.Dispose();
            SdpNegotiationResult answer = SdpNegotiator.Answer(SessionDescription.Parse(sdp.Span), new SdpLocalOptions
            {
                Address = "127.0.0.1",
                AudioPort = victimPort,
                Codecs = [SdpCodec.Opus],
                EndToEnd = true,
                Requirement = MediaSecurityRequirement.RequireEndToEnd,
                SdesSuites = [],
            });
            await call.AcceptAsync(new SipBody(SipBody.SdpContentType, answer.Answer!.ToUtf8Bytes()), ct);
        };
        await using var alice = new CallClient(new CallClientOptions { AddressOfRecord = "sip:alice@127.0.0.1", LocalAddress = "127.0.0.1", Register = false }, directory);
        await alice.StartAsync(Timeout());

        Call call = alice.CreateCall($"sip:{malloryAor}", new Audio.ToneSource(440), new RecordingSink());
        CallException e = await Assert.ThrowsAsync<CallException>(() => call.ConnectAsync(Timeout()));
        Assert.Equal(CallEndReason.SecurityRefused, e.Reason);
        Assert.Contains("no ICE", e.Message, StringComparison.Ordinal);
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await victim.ReceiveAsync(quiet.Token));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static SipUri Direct(CallClient client) => SipUri.Parse($"sip:bob@127.0.0.1:{client.SipEndPoint!.Port}");

    private static async Task<SipUserAgent> StrangerAsync(string user = "mallory")
    {
        var agent = new SipUserAgent(new SipUserAgentOptions
        {
            Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ShutdownTimeout = TimeSpan.Zero,
        });
        await agent.StartAsync();
        return agent;
    }

    private static EndToEndKeys AliceKeys(IPreKeyDirectory directory)
    {
        var store = new InMemorySignalProtocolStore(KeyHelper.GenerateIdentityKeyPair(), KeyHelper.GenerateRegistrationId());
        return new EndToEndKeys(store, directory, "alice@voipkit.test", 1, TimeProvider.System, NullLogger.Instance);
    }

    private static byte[] Offer(bool endToEnd) => SdpNegotiator.CreateOffer(new SdpLocalOptions
    {
        Address = "127.0.0.1",
        AudioPort = 40000,
        SessionId = 7,
        Codecs = [SdpCodec.Opus, SdpCodec.TelephoneEvent48000],
        EndToEnd = endToEnd,
        Requirement = endToEnd ? MediaSecurityRequirement.RequireEndToEnd : MediaSecurityRequirement.RequireEncryption,
        SdesSuites = endToEnd ? [] : SdesCryptoSuites.Default,
    }).ToUtf8Bytes();
}
