// A real, end-to-end encrypted call between two CallClients on this machine, through VoipKit's own SIP server:
//   dotnet run -c Release --project samples/VoipKit.Samples.SipCall -- [--seconds 8] [--in speech.wav] [--out call.wav] [--transport udp|tcp]
//
// An in-process SipServer (registrar + record-routing proxy, UDP and TCP on one loopback port) serves voipkit.test.
// Alice and Bob are CallClients: each registers with digest authentication and publishes its Signal prekeys to a
// directory (in memory here). Alice calls Bob: her client fetches his prekey bundle, starts a Signal session, seals a
// fresh call secret to her SDP offer and sends both in the INVITE; ICE finds the path; media is SRTP keyed from the
// secret, so the server never sees a media key. Alice talks (a WAV file or a speech-like test signal), Bob plays what
// he hears into a WAV file, a line a second shows the call, then Alice hangs up and both stop (un-register).
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using VoipKit;
using VoipKit.Audio;
using VoipKit.Server.Sip;

Settings? settings = Settings.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine("usage: SipCall [--seconds N] [--in file.wav] [--out file.wav] [--transport udp|tcp]");
    return 2;
}

string outPath = settings.Out ?? Path.Combine("artifacts", "sip-call", "bob-heard.wav");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(settings.Seconds + 30));

// The server side: a SIP registrar and proxy for voipkit.test, and a prekey directory.
Dictionary<string, string> passwords = new()
{
    ["alice"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
    ["bob"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
};
await using SipServer server = await SipServer.StartAsync(
    new SipServerOptions { Domain = "voipkit.test", Users = passwords, ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, stop.Token);
var directory = new InMemoryPreKeyDirectory();
CallClientOptions Account(string user) => new()
{
    AddressOfRecord = $"sip:{user}@voipkit.test",
    Password = passwords[user],
    OutboundProxy = server.Uri + (settings.Transport == "tcp" ? ";transport=tcp" : string.Empty),
    Transport = settings.Transport,
    LocalAddress = "127.0.0.1",
};

// --- The call code: two clients, Bob answers, Alice calls, talks, hangs up. ---
await using var alice = new CallClient(Account("alice"), directory);
await using var bob = new CallClient(Account("bob"), directory);
await alice.StartAsync(stop.Token);
await bob.StartAsync(stop.Token);
Console.WriteLine($"server  : SIP registrar + proxy for voipkit.test at {server.Uri} (UDP and TCP)");
Console.WriteLine($"sip     : alice and bob registered at the server with digest over {settings.Transport.ToUpperInvariant()} ({server.Statistics.Challenges} challenges, {server.Statistics.RegistrationsAccepted} registrations); prekeys published");

await using WavFileSink heard = new(outPath);
Task<Call> bobAnswers = Task.Run(async () =>
{
    IncomingCall ringing = await bob.IncomingCalls.ReadAsync(stop.Token);
    Console.WriteLine($"bob     : {ringing.Caller} is calling ({ringing.OfferedSecurity})");
    return await ringing.AcceptAsync(new SilenceSource(), heard, stop.Token);
});

IAudioSource talk = settings.In is { } input ? new WavFileSource(input) : new SpeechLikeSource(seed: 1, TimeSpan.FromSeconds(settings.Seconds));
await using (talk.ConfigureAwait(false))
{
    await using Call call = alice.CreateCall("bob", talk, new MemoryAudioSink());
    call.StateChanged += (_, state) => Console.WriteLine($"alice   : call {state}");
    var setup = Stopwatch.StartNew();
    await call.ConnectAsync(stop.Token);
    Call bobCall = await bobAnswers;
    Console.WriteLine($"alice   : connected in {setup.Elapsed.TotalMilliseconds:F0} ms, security {call.Security}, path {call.Path}");
    Console.WriteLine($"keys    : safety number {call.SafetyNumber![..5]} {call.SafetyNumber[5..10]} ... {call.SafetyNumber[^5..]} (the same on both sides: {call.SafetyNumber == bobCall.SafetyNumber})");
    Console.WriteLine();
    Console.WriteLine(" time | alice->bob bitrate sent | bob: received lost  jb delay  conceal | rtt    | MOS");
    int second = 0;
    await foreach (CallStatistics b in bobCall.GetStatisticsUpdatesAsync(TimeSpan.FromSeconds(1), stop.Token))
    {
        CallStatistics a = call.GetStatistics();
        string rtt = a.RoundTripTime is { } r ? $"{r.TotalMilliseconds,4:F0}ms" : "   -  ";
        Console.WriteLine($" {++second,3}s | {a.SendBitrate / 1000.0,8:F1}k {a.PacketsSent,6} | {b.PacketsReceived,11} {b.PacketsLost,4} {b.JitterBufferDelay.TotalMilliseconds,7:F0}ms {b.ConcealmentRatio,8:P2} | {rtt} | {b.MosEstimate:F2}");
        if (second == settings.Seconds)
        {
            break;
        }
    }

    await call.HangUpAsync(stop.Token);
    CallEnd bobEnd = await bobCall.Ended.WaitAsync(stop.Token);
    CallStatistics final = bobCall.GetStatistics();
    Console.WriteLine();
    Console.WriteLine($"sip     : alice hung up; Bob's side ended: {bobEnd.Reason}");
    await alice.StopAsync(stop.Token);
    await bob.StopAsync(stop.Token);
    SipServerStatistics relayed = server.Statistics;
    Console.WriteLine($"server  : forwarded {relayed.RequestsForwarded} requests ({relayed.InDialogRequestsForwarded} in-dialog along the Record-Route, BYE {relayed.ForwardedRequests("BYE")}) and {relayed.ResponsesForwarded} responses; bindings left: {server.GetBindings("alice").Count + server.GetBindings("bob").Count}");
    Console.WriteLine($"summary : Bob received {final.PacketsReceived} packets, lost {final.PacketsLost}, concealed {final.ConcealmentRatio:P2}, " +
        $"mean jitter buffer delay {final.JitterBufferDelay.TotalMilliseconds:F1} ms, MOS estimate {final.MosEstimate:F2}, {final.PacketsRejected} rejected");
    Console.WriteLine($"          what Bob heard is in {outPath}");
}

return 0;

internal sealed class Settings
{
    public int Seconds { get; private set; } = 8;

    public string? In { get; private set; }

    public string? Out { get; private set; }

    public string Transport { get; private set; } = "udp";

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
                case "--transport" when next is "udp" or "tcp": s.Transport = next; i++; break;
                default: return null;
            }
        }

        return s;
    }
}
