// A real, end-to-end encrypted call between two VoipKit user agents on this machine, through VoipKit's own SIP server:
//   dotnet run -c Release --project samples/VoipKit.Samples.SipCall -- [--seconds 8] [--in speech.wav] [--out call.wav] [--transport udp|tcp]
//
// An in-process SipServer (VoipKit.Server: registrar + record-routing proxy, UDP and TCP on one loopback port)
// serves the domain voipkit.test. Alice and Bob each run a SIP user agent (UDP or TCP on 127.0.0.1) and register
// at it with digest authentication (401, then 200). Alice has Bob's Signal prekey bundle (a directory will hand it
// out later), starts a Signal session, draws a fresh call secret and seals it to her SDP offer (Opus,
// a=x-voipkit-e2e:1, SDES as the fallback for other phones). The INVITE to sip:bob@voipkit.test carries both as a
// multipart body; the server challenges it (407), finds Bob's binding and forwards it, record-routing the dialog.
// Bob rings, opens the secret, answers, and both derive per-direction SRTP keys from the secret: no media key ever
// crosses the signaling path, so the server never sees one. Each starts a MediaSession on its own UDP media socket
// (media flows directly between them). Alice talks (a WAV file or the speech-like test signal), Bob plays what he
// hears into a WAV file. A line a second shows the call; at the end Alice hangs up (BYE, through the server), both
// un-register and a summary is printed. Everything runs in real time.
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Crypto.Signal;
using VoipKit.Media.Session;
using VoipKit.Media.Transport;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

Settings? settings = Settings.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine("usage: SipCall [--seconds N] [--in file.wav] [--out file.wav] [--transport udp|tcp]");
    return 2;
}

string outPath = settings.Out ?? Path.Combine("artifacts", "sip-call", "bob-heard.wav");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(settings.Seconds + 30));

// 1. Signal identities; Bob's prekey bundle reaches Alice (in-process here), who starts a session.
using SignalKeyPair aliceIdentity = KeyHelper.GenerateIdentityKeyPair();
using SignalKeyPair bobIdentity = KeyHelper.GenerateIdentityKeyPair();
var aliceStore = new InMemorySignalProtocolStore(aliceIdentity, KeyHelper.GenerateRegistrationId());
var bobStore = new InMemorySignalProtocolStore(bobIdentity, KeyHelper.GenerateRegistrationId());
SignedPreKeyRecord bobSigned = KeyHelper.GenerateSignedPreKey(bobIdentity, 1, TimeProvider.System);
PreKeyRecord bobOneTime = KeyHelper.GeneratePreKeys(1, 1)[0];
bobStore.StoreSignedPreKey(bobSigned);
bobStore.StorePreKey(bobOneTime);
new SessionBuilder(aliceStore, new SignalProtocolAddress("bob", 1)).ProcessPreKeyBundle(new PreKeyBundle(
    bobStore.GetLocalRegistrationId(), 1, bobOneTime.Id, bobOneTime.KeyPair.PublicKey, bobSigned.Id, bobSigned.KeyPair.PublicKey, bobSigned.Signature.Span, bobIdentity.PublicKey));
const string CallKeyType = "application/vnd.voipkit.call-key";

// 2. The SIP server (registrar and proxy for voipkit.test), two user agents and their media sockets.
Dictionary<string, string> passwords = new()
{
    ["alice"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
    ["bob"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
};
await using SipServer server = await SipServer.StartAsync(
    new SipServerOptions { Domain = "voipkit.test", Users = passwords, ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, stop.Token);
string transportParam = settings.Transport == SipTransportProtocol.Tcp ? ";transport=tcp" : string.Empty;
SipUri proxy = SipUri.Parse(server.Uri + transportParam);
await using var alice = new SipUserAgent(AgentOptions("alice", passwords["alice"], proxy, settings.Transport));
await using var bob = new SipUserAgent(AgentOptions("bob", passwords["bob"], proxy, settings.Transport));
await using var aliceRtp = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
await using var bobRtp = new UdpMediaTransport(new UdpMediaTransportOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
var aliceSdp = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = aliceRtp.LocalEndPoint.Port, SessionId = 1, EndToEnd = true };
var bobSdp = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = bobRtp.LocalEndPoint.Port, SessionId = 2, EndToEnd = true };

// 3. Bob answers: ring, negotiate, open the call secret, start his media, accept.
IAudioSource talk = settings.In is { } input ? new WavFileSource(input) : new SpeechLikeSource(seed: 1, TimeSpan.FromSeconds(settings.Seconds));
await using var heard = new WavFileSink(outPath);
MediaSession? bobMedia = null;
var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
bob.IncomingCall = async (call, ct) =>
{
    call.Ring();
    SipMultipartBody parts = SipMultipartBody.FromMessage(call.Request);
    ReadOnlyMemory<byte> offerSdp = parts.Parts.First(p => p.ContentType?.Is("application", "sdp") == true).Content;
    SipBodyPart key = parts.Parts.First(p => p.ContentType?.Is("application", "vnd.voipkit.call-key") == true);
    SdpNegotiationResult answer = SdpNegotiator.Answer(SessionDescription.Parse(offerSdp.Span), bobSdp);
    if (!answer.IsAccepted || answer.Audio!.Security != SdpSecurity.EndToEnd)
    {
        call.Reject(488);
        return;
    }

    var sealedKey = new CiphertextMessage(
        key.ContentType!.Parameters.Any(p => p.Value == "prekey") ? CiphertextMessageType.PreKeySignalMessage : CiphertextMessageType.SignalMessage, key.Content);
    using CallSecret secret = CallKeyExchange.Open(new SessionCipher(bobStore, new SignalProtocolAddress("alice", 1)), sealedKey, offerSdp.Span);
    using CallSrtpKeys keys = secret.DeriveSrtpKeys(SrtpProtectionProfile.AeadAes128Gcm, aliceIdentity.PublicKey, bobIdentity.PublicKey);
    bobMedia = StartMedia(answer.Audio!, keys.CalleeToCaller, keys.CallerToCallee, new SilenceSource(), heard, bobRtp, ct);
    bobDialog.SetResult(await call.AcceptAsync(new SipBody(SipBody.SdpContentType, answer.Answer!.ToUtf8Bytes()), ct));
};
await alice.StartAsync(stop.Token);
await bob.StartAsync(stop.Token);
var registrar = new SipRegistrationOptions { Registrar = SipUri.Parse("sip:voipkit.test"), Expires = TimeSpan.FromMinutes(10) };
SipRegistration aliceRegistration = await alice.RegisterAsync(registrar, stop.Token);
SipRegistration bobRegistration = await bob.RegisterAsync(registrar, stop.Token);
SipUri bobUri = server.AddressOfRecord("bob");
Console.WriteLine($"server  : SIP registrar + proxy for voipkit.test at {server.Uri} (UDP and TCP)");
Console.WriteLine($"sip     : alice {alice.LocalEndPoint} and bob {bob.LocalEndPoint} registered at the server with digest over {settings.Transport.ToString().ToUpperInvariant()} ({server.Statistics.Challenges} challenges, {server.Statistics.RegistrationsAccepted} registrations)");
Console.WriteLine($"sip     : alice -> {bobUri} through the server");

// 4. Alice calls: the offer and the call secret sealed to it, in one multipart body.
SessionDescription offer = SdpNegotiator.CreateOffer(aliceSdp);
byte[] offerBytes = offer.ToUtf8Bytes();
SealedCallSecret sealedSecret = CallKeyExchange.Seal(new SessionCipher(aliceStore, new SignalProtocolAddress("bob", 1)), offerBytes);
using CallSecret aliceSecret = sealedSecret.Secret;
string keyType = CallKeyType + ";type=" + (sealedSecret.Message.Type == CiphertextMessageType.PreKeySignalMessage ? "prekey" : "signal");
var body = new SipMultipartBody(SipMultipartBody.NewBoundary(), [new SipBodyPart(SipBody.SdpContentType, offerBytes), new SipBodyPart(keyType, sealedSecret.Message.Serialized)]);
string safety = SafetyNumber.Compute("alice", aliceIdentity.PublicKey, "bob", bobIdentity.PublicKey);
Console.WriteLine($"keys    : Signal session alice->bob; call secret sealed to the offer in a {sealedSecret.Message.Type} message of {sealedSecret.Message.Serialized.Length} bytes; safety number {safety[..5]} {safety[5..10]} ... {safety[^5..]}");
var setup = Stopwatch.StartNew();
SipCallResult result = await alice.InviteAsync(bobUri, new SipBody(body.ContentTypeValue(), body.ToArray()), r => Console.WriteLine($"sip     : {r.StatusCode} {r.ReasonPhrase}"), stop.Token);
if (!result.Succeeded)
{
    Console.Error.WriteLine($"the call failed: {result.StatusCode} {result.ReasonPhrase}");
    return 1;
}

Console.WriteLine($"sip     : 200 OK, call set up in {setup.Elapsed.TotalMilliseconds:F0} ms (INVITE to ACK), session timer {result.Dialog!.SessionInterval?.TotalSeconds} s");
SdpNegotiationResult negotiated = SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(result.Dialog.RemoteBody!.Content.Span), aliceSdp);
NegotiatedAudio audio = negotiated.Audio!;
using CallSrtpKeys aliceKeys = aliceSecret.DeriveSrtpKeys(SrtpProtectionProfile.AeadAes128Gcm, aliceIdentity.PublicKey, bobIdentity.PublicKey);
Console.WriteLine($"media   : {audio.Codec.EncodingName}/{audio.Codec.ClockRate}, security {audio.Security} (SRTP {aliceKeys.Profile.SdesName()} keyed from the call secret), alice {aliceRtp.LocalEndPoint} <-> bob {bobRtp.LocalEndPoint}");
await using (talk.ConfigureAwait(false))
{
    await using MediaSession aliceMedia = StartMedia(audio, aliceKeys.CallerToCallee, aliceKeys.CalleeToCaller, talk, new MemoryAudioSink(), aliceRtp, stop.Token);
    SipDialog bobSide = await bobDialog.Task.WaitAsync(stop.Token);
    Console.WriteLine();
    Console.WriteLine(" time | alice->bob bitrate sent | bob: received lost  jb delay  conceal | rtt    | MOS");

    // 5. Talk for the requested time, a line a second.
    for (int second = 1; second <= settings.Seconds; second++)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
        MediaSessionStatistics a = aliceMedia.GetStatistics();
        MediaSessionStatistics b = bobMedia!.GetStatistics();
        InboundRtpStatistics? i = b.InboundRtp;
        Console.WriteLine(
            $" {second,3}s | {a.OutboundRtp.TargetBitrate / 1000.0,8:F1}k {a.OutboundRtp.PacketsSent,6} | {i?.PacketsReceived ?? 0,11} {i?.PacketsLost ?? 0,4} {i?.MeanJitterBufferDelay.TotalMilliseconds ?? 0,7:F0}ms {Ratio(i),8:P2} | {(a.RoundTripTime is { } rtt ? $"{rtt.TotalMilliseconds,4:F0}ms" : "   -  ")} | {b.MosEstimate:F2}");
    }

    // 6. Alice hangs up; the sessions wipe their keys.
    SipResponse? bye = await result.Dialog.ByeAsync(stop.Token);
    SipDialogEnd end = await bobSide.Ended.WaitAsync(stop.Token);
    await aliceMedia.StopAsync(stop.Token);
    await bobMedia!.StopAsync(stop.Token);
    MediaSessionStatistics final = bobMedia.GetStatistics();
    Console.WriteLine();
    Console.WriteLine($"sip     : BYE answered {bye?.StatusCode}, Bob's side ended: {end.Reason}");
    await aliceRegistration.UnregisterAsync(stop.Token);
    await bobRegistration.UnregisterAsync(stop.Token);
    SipServerStatistics relayed = server.Statistics;
    Console.WriteLine($"server  : forwarded {relayed.RequestsForwarded} requests ({relayed.InDialogRequestsForwarded} in-dialog along the Record-Route, BYE {relayed.ForwardedRequests("BYE")}) and {relayed.ResponsesForwarded} responses; bindings left: {server.GetBindings("alice").Count + server.GetBindings("bob").Count}");
    Console.WriteLine($"summary : Bob received {final.InboundRtp?.PacketsReceived} packets, lost {final.InboundRtp?.PacketsLost}, concealed {Ratio(final.InboundRtp):P2}, " +
        $"mean jitter buffer delay {final.InboundRtp?.MeanJitterBufferDelay.TotalMilliseconds:F1} ms, MOS estimate {final.MosEstimate:F2} ({aliceMedia.CodecImplementation} Opus)");
    Console.WriteLine($"          what Bob heard is in {outPath}");
    await bobMedia.DisposeAsync();
}

return 0;

static double Ratio(InboundRtpStatistics? s) => s is null || s.TotalSamplesReceived == 0 ? 0 : (double)s.ConcealedSamples / s.TotalSamplesReceived;

static SipUserAgentOptions AgentOptions(string user, string password, SipUri proxy, SipTransportProtocol transport) => new()
{
    Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
    Credentials = new SipCredentials(user, password),
    OutboundProxy = proxy,
    Transport = transport,
    LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
};

// Each side sends with its direction's key and receives with the other's; the session keeps its own copies.
static MediaSession StartMedia(NegotiatedAudio audio, CallDirectionKeys send, CallDirectionKeys receive, IAudioSource source, IAudioSink sink, UdpMediaTransport rtp, CancellationToken ct)
{
    var session = new MediaSession(
        new MediaSessionOptions
        {
            Profile = SrtpProtectionProfile.AeadAes128Gcm,
            PayloadType = (byte)audio.Codec.PayloadType,
            SendMasterKey = send.MasterKey.ToArray(),
            SendMasterSalt = send.MasterSalt.ToArray(),
            ReceiveMasterKey = receive.MasterKey.ToArray(),
            ReceiveMasterSalt = receive.MasterSalt.ToArray(),
        },
        source,
        sink,
        rtp);
    rtp.RemoteEndPoint = new IPEndPoint(IPAddress.Parse(audio.RemoteAddress), audio.RemotePort);
    rtp.Start(session, ct);
    session.StartAsync(ct).GetAwaiter().GetResult();
    return session;
}

internal sealed class Settings
{
    public int Seconds { get; private set; } = 8;

    public string? In { get; private set; }

    public string? Out { get; private set; }

    public SipTransportProtocol Transport { get; private set; } = SipTransportProtocol.Udp;

    public static Settings? Parse(string[] args)
    {
        var s = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string? next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when int.TryParse(next, out int n) && n is > 0 and <= 3600: s.Seconds = n; i++; break;
                case "--in" when next is not null: s.In = next; i++; break;
                case "--out" when next is not null: s.Out = next; i++; break;
                case "--transport" when next is "udp" or "tcp": s.Transport = next == "tcp" ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp; i++; break;
                default: return null;
            }
        }

        return s;
    }
}
