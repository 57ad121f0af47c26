// VoipKit media loopback: one direction of an end-to-end encrypted call, without SIP.
//
//   dotnet run -c Release --project samples/VoipKit.Samples.MediaLoopback -- [--profile wifi-jitter]
//       [--seconds 20] [--in speech.wav] [--out received.wav] [--seed 1]
//
// Alice and Bob set up a Signal session (X3DH + Double Ratchet); Alice seals a fresh call
// secret to the call's offer and Bob opens it; both derive per-direction SRTP keys from it.
// Then two MediaSessions talk over a simulated network both ways, in virtual time: Alice's
// audio goes source -> Opus -> RTP -> SRTP (AES-GCM) -> network -> SRTP -> jitter buffer ->
// Opus decoder -> WAV, and Bob's RTCP reports and transport-wide feedback come back to adapt
// Alice's bitrate. A line a second shows bitrate, loss, jitter-buffer delay, concealment and an
// E-model MOS estimate; a summary follows.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Crypto.Signal;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Media.Quality;
using VoipKit.Media.Session;
using VoipKit.Media.Simulation;

var options = ParseArgs(args);
if (options is null)
{
    Console.Error.WriteLine("usage: MediaLoopback [--profile " + string.Join('|', NetworkProfile.Names) + "] [--seconds N] [--in file.wav] [--out file.wav] [--seed N]");
    return 2;
}

NetworkProfile profile = NetworkProfile.Get(options.Profile);
var wall = Stopwatch.StartNew();

// 1. End-to-end keys: a Signal session, a call secret sealed to the offer, SRTP keys from it.
const SrtpProtectionProfile suite = SrtpProtectionProfile.AeadAes128Gcm;
using SignalKeyPair aliceIdentity = KeyHelper.GenerateIdentityKeyPair();
using SignalKeyPair bobIdentity = KeyHelper.GenerateIdentityKeyPair();
var aliceStore = new InMemorySignalProtocolStore(aliceIdentity, KeyHelper.GenerateRegistrationId());
var bobStore = new InMemorySignalProtocolStore(bobIdentity, KeyHelper.GenerateRegistrationId());
SignedPreKeyRecord bobSigned = KeyHelper.GenerateSignedPreKey(bobIdentity, 1, TimeProvider.System);
PreKeyRecord bobOneTime = KeyHelper.GeneratePreKeys(1, 1)[0];
bobStore.StoreSignedPreKey(bobSigned);
bobStore.StorePreKey(bobOneTime);
var bundle = new PreKeyBundle(bobStore.GetLocalRegistrationId(), 1, bobOneTime.Id, bobOneTime.KeyPair.PublicKey,
    bobSigned.Id, bobSigned.KeyPair.PublicKey, bobSigned.Signature.Span, bobIdentity.PublicKey);
var alice = new SignalProtocolAddress("alice", 1);
var bob = new SignalProtocolAddress("bob", 1);
new SessionBuilder(aliceStore, bob).ProcessPreKeyBundle(bundle);
byte[] offer = Encoding.UTF8.GetBytes("v=0\r\no=alice 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\na=x-voipkit-e2e:1\r\n");
SealedCallSecret sealedSecret = CallKeyExchange.Seal(new SessionCipher(aliceStore, bob), offer);
using CallSecret callerSecret = sealedSecret.Secret;
using CallSecret calleeSecret = CallKeyExchange.Open(new SessionCipher(bobStore, alice), sealedSecret.Message, offer);
using CallSrtpKeys callerKeys = callerSecret.DeriveSrtpKeys(suite, aliceIdentity.PublicKey, bobIdentity.PublicKey);
using CallSrtpKeys calleeKeys = calleeSecret.DeriveSrtpKeys(suite, aliceIdentity.PublicKey, bobIdentity.PublicKey);
string safety = SafetyNumber.Compute("alice", aliceIdentity.PublicKey, "bob", bobIdentity.PublicKey);
Console.WriteLine($"keys    : Signal session alice->bob, call secret sealed in a {sealedSecret.Message.Type} of {sealedSecret.Message.Serialized.Length} bytes bound to the offer");
Console.WriteLine($"          SRTP {suite.SdesName()} per direction from the call secret; safety number {safety[..5]} {safety[5..10]} ... {safety[^5..]}");

// 2. Audio in and out.
string outPath = options.Out ?? Path.Combine("artifacts", "media-loopback", $"received-{profile.Name}.wav");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
IAudioSource source = options.In is { } input ? new WavFileSource(input) : new SpeechLikeSource(seed: options.Seed, TimeSpan.FromSeconds(options.Seconds));
await using (source.ConfigureAwait(false))
{
    // Bob's playout goes to memory (it must accept each 20 ms frame at once in virtual time),
    // then to the WAV file.
    var heard = new MemoryAudioSink();
    Console.WriteLine($"audio   : {(options.In ?? $"{options.Seconds} s of the speech-like test signal")} -> {outPath}");
    Console.WriteLine($"network : {profile.Name} (one-way {profile.Delay.TotalMilliseconds} ms, jitter sd {profile.JitterStdDev.TotalMilliseconds} ms, loss {profile.Loss.MeanLossRate:P1}{(profile.BandwidthBitsPerSecond > 0 ? $", cap {profile.BandwidthBitsPerSecond / 1000} kbit/s" : string.Empty)}), seed {options.Seed}");
    Console.WriteLine();
    Console.WriteLine(" time | bitrate  fec frame | sent  lost  | jb delay target | conceal  fec-rec | MOS");

    // 3. The call: two MediaSessions (Alice talks, Bob listens) over a simulated network both
    // ways (RTCP reports and transport-wide feedback come back on Bob's path), in virtual time.
    var clock = new FakeTimeProvider();
    var toBob = new PathTransport();
    var toAlice = new PathTransport();
    var keyCopies = new List<byte[]>();
    byte[] Copy(ReadOnlySpan<byte> key)
    {
        keyCopies.Add(key.ToArray());
        return keyCopies[^1];
    }

    MediaSessionOptions Options(CallDirectionKeys send, CallDirectionKeys receive) => new()
    {
        Profile = suite,
        SendMasterKey = Copy(send.MasterKey),
        SendMasterSalt = Copy(send.MasterSalt),
        ReceiveMasterKey = Copy(receive.MasterKey),
        ReceiveMasterSalt = Copy(receive.MasterSalt),
        TimeProvider = clock,
    };
    await using var aliceSession = new MediaSession(Options(callerKeys.CallerToCallee, callerKeys.CalleeToCaller), source, new MemoryAudioSink(), toBob);
    await using var bobSession = new MediaSession(Options(calleeKeys.CalleeToCaller, calleeKeys.CallerToCallee), new SilenceSource(), heard, toAlice);
    foreach (byte[] k in keyCopies)
    {
        CryptographicOperations.ZeroMemory(k); // the sessions keep their own SRTP keys
    }
    using var aliceToBob = new SimulatedPath(profile, options.Seed, clock, p => bobSession.OnPacketReceived(p));
    using var bobToAlice = new SimulatedPath(profile, options.Seed + 1000, clock, p => aliceSession.OnPacketReceived(p));
    toBob.Path = aliceToBob;
    toAlice.Path = bobToAlice;
    await aliceSession.StartAsync();
    await bobSession.StartAsync();

    LinkStatistics lastLink = aliceToBob.Statistics;
    OutboundRtpStatistics lastOut = aliceSession.GetStatistics().OutboundRtp;
    InboundRtpStatistics? lastIn = null;
    InboundRtpStatistics? final = null;
    int finalSampleCount = 0;
    long lastSent = 0, lastEmitted = 0;
    TimeSpan sentChanged = TimeSpan.Zero, emittedChanged = TimeSpan.Zero;
    double rSum = 0;
    int rCount = 0, seconds = 0;
    for (long ms = 1; ; ms++)
    {
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var now = TimeSpan.FromMilliseconds(ms);
        MediaSessionStatistics bobStats = bobSession.GetStatistics();
        long sent = aliceSession.GetStatistics().OutboundRtp.PacketsSent;
        long emitted = bobStats.InboundRtp?.JitterBufferEmittedCount ?? 0;
        if (sent != lastSent)
        {
            (lastSent, sentChanged) = (sent, now);
        }

        if (emitted != lastEmitted)
        {
            (lastEmitted, emittedChanged) = (emitted, now);
            final = bobStats.InboundRtp; // the state when Bob last played received audio
            finalSampleCount = heard.Count;
        }

        if (ms % 1000 == 0)
        {
            seconds++;
            MediaSessionStatistics aliceStats = aliceSession.GetStatistics();
            LinkStatistics link = aliceToBob.Statistics;
            OutboundRtpStatistics o = aliceStats.OutboundRtp;
            InboundRtpStatistics i = bobStats.InboundRtp ?? Empty(o.Ssrc);
            InboundRtpStatistics p = lastIn ?? Empty(o.Ssrc);
            long packets = link.Sent - lastLink.Sent;
            double loss = packets == 0 ? 0 : (double)(link.Lost + link.QueueDrops - lastLink.Lost - lastLink.QueueDrops) / packets;
            // On the wire: payload, RTP header and extension, SRTP tag (16), UDP and IPv4 (28).
            double sentKbps = ((o.BytesSent - lastOut.BytesSent) + (o.HeaderBytesSent - lastOut.HeaderBytesSent) + ((o.PacketsSent - lastOut.PacketsSent) * 44)) * 8 / 1000.0;
            long played = i.TotalSamplesReceived - p.TotalSamplesReceived;
            long concealed = i.ConcealedSamples - p.ConcealedSamples;
            long emittedNow = i.JitterBufferEmittedCount - p.JitterBufferEmittedCount;
            double jbDelayMs = emittedNow == 0 ? 0 : (i.JitterBufferDelay - p.JitterBufferDelay).TotalMilliseconds / emittedNow;
            double concealment = played == 0 ? 0 : (double)concealed / played;
            double oneWayMs = (aliceStats.RemoteInboundRtp?.RoundTripTime ?? (2 * profile.Delay)).TotalMilliseconds / 2;
            double r = EModel.RFactor(TimeSpan.FromMilliseconds(oneWayMs + jbDelayMs + 20 + 6.5), Math.Clamp(concealment, 0, 1), 1,
                EModel.OpusEquipmentImpairment(o.TargetBitrate), EModel.OpusPacketLossRobustness);
            if (played > 0)
            {
                rSum += r;
                rCount++;
            }

            Console.WriteLine($"{seconds,4}s | {o.TargetBitrate / 1000.0,5:F1}k {(o.InbandFec ? "on " : "off")} {o.FrameMilliseconds,3}ms | {sentKbps,4:F0}k {loss,5:P1} | {jbDelayMs,5:F0} ms {bobStats.Playout.CurrentTargetDelay.TotalMilliseconds,4:F0} ms | {concealment,6:P1} {i.FecPacketsReceived - p.FecPacketsReceived,4} | {EModel.Mos(r):F2}");
            (lastLink, lastOut, lastIn) = (link, o, bobStats.InboundRtp);
        }

        // Alice's source has ended (nothing sent for a while), the network is empty and Bob
        // has played everything: stop before his playout turns to concealment.
        if (now - sentChanged > TimeSpan.FromMilliseconds(500) && aliceToBob.InFlight == 0 && now - emittedChanged > TimeSpan.FromMilliseconds(100))
        {
            break;
        }
    }

    await aliceSession.StopAsync();
    await bobSession.StopAsync();
    await using (var wav = new WavFileSink(outPath))
    {
        await wav.StartAsync();
        await wav.WriteAsync(heard.ToArray().AsMemory(0, finalSampleCount));
        await wav.StopAsync();
    }

    InboundRtpStatistics s = final ?? Empty(0);
    LinkStatistics l = aliceToBob.Statistics;
    MediaSessionStatistics bobEnd = bobSession.GetStatistics();
    MediaSessionStatistics aliceEnd = aliceSession.GetStatistics();
    Console.WriteLine();
    Console.WriteLine($"summary : {l.Sent} packets (RTP, RTCP, feedback) sent Alice to Bob, {l.Lost} lost and {l.QueueDrops} dropped by the network, {l.Duplicated} duplicated; {bobEnd.PacketsRejected} rejected by SRTP (replays)");
    Console.WriteLine($"          jitter buffer: mean delay {s.MeanJitterBufferDelay.TotalMilliseconds:F1} ms, target now {bobEnd.Playout.CurrentTargetDelay.TotalMilliseconds:F0} ms, concealment {(s.TotalSamplesReceived == 0 ? 0 : (double)s.ConcealedSamples / s.TotalSamplesReceived):P2} in {s.ConcealmentEvents} events, " +
        $"{s.FecPacketsReceived} frames rebuilt by FEC, {bobEnd.Playout.LatePackets} late, {s.RemovedSamplesForAcceleration / 48} ms removed / {s.InsertedSamplesForDeceleration / 48} ms inserted by time-stretching");
    Console.WriteLine($"          RTCP: Bob reported {aliceEnd.RemoteInboundRtp?.PacketsLost ?? 0} lost, jitter {aliceEnd.RemoteInboundRtp?.Jitter.TotalMilliseconds ?? 0:F1} ms; round trip {aliceEnd.RemoteInboundRtp?.RoundTripTime?.TotalMilliseconds ?? 0:F0} ms");
    Console.WriteLine($"          mean MOS estimate {(rCount == 0 ? 0 : EModel.Mos(rSum / rCount)):F2} (ITU-T G.107 E-model); received audio in {outPath}");
    Console.WriteLine($"          {seconds} s of call simulated in {wall.Elapsed.TotalMilliseconds:F0} ms ({aliceSession.CodecImplementation} Opus)");
}

return 0;

static InboundRtpStatistics Empty(uint ssrc) => new()
{
    Ssrc = ssrc, PacketsReceived = 0, PacketsLost = 0, PacketsDiscarded = 0, BytesReceived = 0, HeaderBytesReceived = 0, Jitter = TimeSpan.Zero,
    JitterBufferDelay = TimeSpan.Zero, JitterBufferEmittedCount = 0, JitterBufferTargetDelay = TimeSpan.Zero, TotalSamplesReceived = 0, ConcealedSamples = 0,
    SilentConcealedSamples = 0, ConcealmentEvents = 0, InsertedSamplesForDeceleration = 0, RemovedSamplesForAcceleration = 0, FecPacketsReceived = 0,
};

static Options? ParseArgs(string[] args)
{
    var o = new Options();
    for (int i = 0; i < args.Length; i++)
    {
        string? next = i + 1 < args.Length ? args[i + 1] : null;
        switch (args[i])
        {
            case "--profile" when next is not null: o.Profile = next; i++; break;
            case "--seconds" when int.TryParse(next, out int s) && s > 0: o.Seconds = s; i++; break;
            case "--seed" when int.TryParse(next, out int seed): o.Seed = seed; i++; break;
            case "--in" when next is not null: o.In = next; i++; break;
            case "--out" when next is not null: o.Out = next; i++; break;
            default: return null;
        }
    }

    return NetworkProfile.Names.Contains(o.Profile, StringComparer.OrdinalIgnoreCase) ? o : null;
}

internal sealed class Options
{
    public string Profile { get; set; } = "wifi-jitter";

    public int Seconds { get; set; } = 20;

    public int Seed { get; set; } = 1;

    public string? In { get; set; }

    public string? Out { get; set; }
}

internal sealed class PathTransport : IMediaTransport
{
    public SimulatedPath? Path { get; set; }

    public void Send(ReadOnlySpan<byte> packet) => Path!.Send(packet);
}
