// VoipKit media loopback: one direction of an end-to-end encrypted call, without SIP.
//
//   dotnet run -c Release --project samples/VoipKit.Samples.MediaLoopback -- [--profile wifi-jitter]
//       [--seconds 20] [--in speech.wav] [--out received.wav] [--seed 1]
//
// Alice and Bob set up a Signal session (X3DH + Double Ratchet); Alice seals a fresh call
// secret to the call's offer and Bob opens it; both derive per-direction SRTP keys from it.
// Then audio goes source -> Opus -> RTP -> SRTP (AES-GCM) -> a simulated network -> SRTP ->
// jitter buffer -> Opus decoder -> WAV, with the bitrate adapted from network feedback, all in
// virtual time. A line a second shows bitrate, loss, jitter-buffer delay, concealment and an
// E-model MOS estimate; a summary follows.
using System.Diagnostics;
using System.Text;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Crypto.Signal;
using VoipKit.Media.Adaptation;
using VoipKit.Media.Codecs;
using VoipKit.Media.Jitter;
using VoipKit.Media.Quality;
using VoipKit.Media.Rtp;
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
using var sendSrtp = new SrtpContext(suite, callerKeys.CallerToCallee.MasterKey, callerKeys.CallerToCallee.MasterSalt);
using var receiveSrtp = new SrtpContext(suite, calleeKeys.CallerToCallee.MasterKey, calleeKeys.CallerToCallee.MasterSalt);
string safety = SafetyNumber.Compute("alice", aliceIdentity.PublicKey, "bob", bobIdentity.PublicKey);
Console.WriteLine($"keys    : Signal session alice->bob, call secret sealed in a {sealedSecret.Message.Type} of {sealedSecret.Message.Serialized.Length} bytes bound to the offer");
Console.WriteLine($"          SRTP {suite.SdesName()} per direction from the call secret; safety number {safety[..5]} {safety[5..10]} ... {safety[^5..]}");

// 2. Audio in and out.
string outPath = options.Out ?? Path.Combine("artifacts", "media-loopback", $"received-{profile.Name}.wav");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
IAudioSource source = options.In is { } input ? new WavFileSource(input) : new SpeechLikeSource(seed: options.Seed, TimeSpan.FromSeconds(options.Seconds));
await using (source.ConfigureAwait(false))
{
    await source.StartAsync();
    await using var sink = new WavFileSink(outPath);
    await sink.StartAsync();
    Console.WriteLine($"audio   : {(options.In ?? $"{options.Seconds} s of the speech-like test signal")} -> {outPath}");
    Console.WriteLine($"network : {profile.Name} (one-way {profile.Delay.TotalMilliseconds} ms, jitter sd {profile.JitterStdDev.TotalMilliseconds} ms, loss {profile.Loss.MeanLossRate:P1}{(profile.BandwidthBitsPerSecond > 0 ? $", cap {profile.BandwidthBitsPerSecond / 1000} kbit/s" : string.Empty)}), seed {options.Seed}");
    Console.WriteLine();
    Console.WriteLine(" time | bitrate  fec frame | sent  lost  | jb delay target | conceal  fec-rec | MOS");

    // 3. The call, in virtual time, one millisecond a step.
    using var encoder = new OpusAudioEncoder(new OpusEncoderSettings { Bitrate = 32_000, UseInbandFec = true });
    using var jitter = new JitterBuffer();
    var controller = new BitrateController();
    var link = new SimulatedLink(profile, options.Seed);
    var inFlight = new PriorityQueue<(byte[] Packet, TimeSpan Sent), (TimeSpan At, long Order)>();
    var feedback = new PriorityQueue<(TimeSpan Sent, TimeSpan? Arrival, int Bytes), TimeSpan>();
    short[] pcm = new short[OpusPacket.MaxSamples];
    byte[] opus = new byte[OpusAudioEncoder.MaxPacketBytes];
    byte[] wire = new byte[1500];
    short[] frame = new short[AudioFormat.SamplesPerFrame];
    const uint ssrc = 0x5EC0_7E11;
    ushort sequence = 1;
    uint timestamp = 0;
    long order = 0;
    bool sourceEnded = false;
    TimeSpan nextSend = TimeSpan.Zero;
    var second = new SecondStats();
    var total = new SecondStats();
    JitterBufferStatistics lastJb = default;
    double rSum = 0;
    int rCount = 0;
    int srtpFailures = 0;

    for (long ms = 0; ; ms++)
    {
        var now = TimeSpan.FromMilliseconds(ms);

        // Sender: one packet per frame of the encoder's current duration.
        if (!sourceEnded && now >= nextSend)
        {
            BitrateDecision d = controller.Current;
            encoder.Bitrate = d.Bitrate;
            encoder.UseInbandFec = d.UseInbandFec;
            encoder.PacketLossPercent = d.PacketLossPercent;
            encoder.FrameMilliseconds = d.FrameMilliseconds;
            int want = encoder.FrameSamples;
            int got = await source.ReadAsync(pcm.AsMemory(0, want));
            if (got == 0)
            {
                sourceEnded = true;
            }
            else
            {
                pcm.AsSpan(got, want - got).Clear();
                int opusLength = encoder.Encode(pcm.AsSpan(0, want), opus);
                RtpPacketWriter.TryWrite(wire, new RtpHeader(111, sequence++, timestamp, ssrc), opus.AsSpan(0, opusLength), out int rtpLength);
                timestamp += (uint)want;
                sendSrtp.Protect(wire, rtpLength, out int srtpLength);
                int onWire = srtpLength + 28; // IPv4 + UDP
                LinkVerdict v = link.Transmit(now, onWire);
                second.Sent++;
                second.SentBytes += onWire;
                if (v.Fate == LinkFate.Delivered)
                {
                    inFlight.Enqueue((wire[..srtpLength], now), (v.Arrival, order++));
                    if (v.DuplicateArrival is { } dup)
                    {
                        inFlight.Enqueue((wire[..srtpLength], now), (dup, order++));
                    }

                    feedback.Enqueue((now, v.Arrival, onWire), v.Arrival + TimeSpan.FromMilliseconds(30));
                }
                else
                {
                    second.Lost++;
                    feedback.Enqueue((now, null, onWire), now + TimeSpan.FromMilliseconds(300));
                }

                nextSend = now + TimeSpan.FromMilliseconds(encoder.FrameMilliseconds);
            }
        }

        // Receiver: decrypt, parse and buffer what arrives now.
        while (inFlight.TryPeek(out var p, out var key) && key.At <= now)
        {
            inFlight.Dequeue();
            byte[] packet = p.Packet;
            if (receiveSrtp.Unprotect(packet, packet.Length, out int rtpLength) != SrtpResult.Ok)
            {
                srtpFailures++; // duplicates are replays to SRTP: counted, dropped
                continue;
            }

            second.NetworkDelayMs += (key.At - p.Sent).TotalMilliseconds;
            second.Arrived++;
            if (RtpPacket.TryRead(packet.AsSpan(0, rtpLength), out RtpPacket rtp) == RtpReadResult.Ok)
            {
                jitter.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Payload, key.At);
            }
        }

        // Transport-wide feedback reaches the sender's controller.
        while (feedback.TryPeek(out var f, out TimeSpan due) && due <= now)
        {
            feedback.Dequeue();
            controller.OnPacketFeedback(f.Sent, f.Arrival, f.Bytes);
        }

        // Playout every 20 ms of the receiver's clock.
        if (ms % 20 == 7)
        {
            jitter.Pull(frame, now);
            await sink.WriteAsync(frame);
        }

        if ((ms + 1) % 1000 == 0)
        {
            double loss = second.Sent == 0 ? 0 : (double)second.Lost / second.Sent;
            controller.OnReceiverReport(now, loss); // the receiver report of this second
            JitterBufferStatistics jb = jitter.Statistics;
            long played = jb.TotalSamplesPlayed - lastJb.TotalSamplesPlayed;
            long concealed = jb.ConcealedSamples - lastJb.ConcealedSamples;
            long emitted = jb.JitterBufferEmittedCount - lastJb.JitterBufferEmittedCount;
            double jbDelayMs = emitted == 0 ? 0 : (jb.JitterBufferDelay - lastJb.JitterBufferDelay).TotalMilliseconds / emitted;
            double netMs = second.Arrived == 0 ? profile.Delay.TotalMilliseconds : second.NetworkDelayMs / second.Arrived;
            double effectiveLoss = played == 0 ? 0 : (double)concealed / played;
            BitrateDecision d = controller.Current;
            double r = EModel.RFactor(TimeSpan.FromMilliseconds(netMs + jbDelayMs + 20 + 6.5), Math.Clamp(effectiveLoss, 0, 1), 1,
                EModel.OpusEquipmentImpairment(d.Bitrate), EModel.OpusPacketLossRobustness);
            if (jb.TotalSamplesPlayed > 0)
            {
                rSum += r;
                rCount++;
            }

            Console.WriteLine($"{(ms + 1) / 1000,4}s | {d.Bitrate / 1000.0,5:F1}k {(d.UseInbandFec ? "on " : "off")} {d.FrameMilliseconds,3}ms | {second.SentBytes * 8 / 1000.0,4:F0}k {loss,5:P1} | {jbDelayMs,5:F0} ms {jb.CurrentTargetDelay.TotalMilliseconds,4:F0} ms | {(played == 0 ? 0 : (double)concealed / played),6:P1} {jb.FecPacketsReceived - lastJb.FecPacketsReceived,4} | {EModel.Mos(r):F2}");
            total.Add(second);
            second = new SecondStats();
            lastJb = jb;
        }

        if (sourceEnded && inFlight.Count == 0 && jitter.BufferedDuration < AudioFormat.FrameDuration)
        {
            break; // everything sent has been played: stop before playout turns to concealment
        }
    }

    await sink.StopAsync();
    JitterBufferStatistics s = jitter.Statistics;
    LinkStatistics l = link.Statistics;
    Console.WriteLine();
    Console.WriteLine($"summary : {l.Sent} packets sent, {l.Lost} lost and {l.QueueDrops} dropped by the network, {l.Duplicated} duplicated; {srtpFailures} rejected by SRTP (replays)");
    Console.WriteLine($"          jitter buffer: mean delay {s.MeanDelay.TotalMilliseconds:F1} ms, target now {s.CurrentTargetDelay.TotalMilliseconds:F0} ms, concealment {s.ConcealmentRatio:P2} in {s.ConcealmentEvents} events, " +
        $"{s.FecPacketsReceived} frames rebuilt by FEC, {s.LatePackets} late, {s.RemovedSamplesForAcceleration / 48} ms removed / {s.InsertedSamplesForDeceleration / 48} ms inserted by time-stretching");
    Console.WriteLine($"          mean MOS estimate {(rCount == 0 ? 0 : EModel.Mos(rSum / rCount)):F2} (ITU-T G.107 E-model); received audio in {outPath}");
    Console.WriteLine($"          {total.Seconds} s of call simulated in {wall.Elapsed.TotalMilliseconds:F0} ms ({encoder.Implementation} Opus)");
}

return 0;

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

internal sealed class SecondStats
{
    public int Sent { get; set; }

    public int Lost { get; set; }

    public int Arrived { get; set; }

    public long SentBytes { get; set; }

    public double NetworkDelayMs { get; set; }

    public int Seconds { get; private set; }

    public void Add(SecondStats s)
    {
        Sent += s.Sent;
        Lost += s.Lost;
        Arrived += s.Arrived;
        SentBytes += s.SentBytes;
        Seconds++;
    }
}
