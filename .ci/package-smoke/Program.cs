// Runs against the packed VoipKit packages from an app outside the solution (.ci/package-check.sh).
using VoipKit;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Server;
using VoipKit.Signaling;
using VoipKit.Transport;

// Audio: a 1 kHz tone written as a 16 kHz WAV, read back at 48 kHz.
string wav = Path.Combine(Path.GetTempPath(), $"voipkit-smoke-{Environment.ProcessId}.wav");
var tone = new ToneSource(1000, 0.5, TimeSpan.FromSeconds(1));
await tone.StartAsync();
await using (var sink = new WavFileSink(wav, new WavFileSinkOptions { SampleRate = 16_000 }))
{
    await sink.StartAsync();
    await tone.CopyToAsync(sink);
}

var memory = new MemoryAudioSink();
await memory.StartAsync();
await using (var source = new WavFileSource(wav))
{
    await source.StartAsync();
    await source.CopyToAsync(memory);
    Console.WriteLine($"audio: {source.FileFormat} -> {memory.Count} samples at {AudioFormat.SampleRate} Hz");
}

File.Delete(wav);
if (memory.Count != AudioFormat.SampleRate)
{
    throw new InvalidOperationException($"expected {AudioFormat.SampleRate} samples, got {memory.Count}");
}

Console.WriteLine($"srtp: {SrtpProtectionProfile.AeadAes128Gcm.SdesName()} key {SrtpProtectionProfile.AeadAes128Gcm.MasterKeyLength()} bytes");
Console.WriteLine($"stun: binding success 0x{StunMessageType.BindingSuccess.ToWireValue():X4}");
Console.WriteLine($"sip: 486 {SipReasonPhrases.Get(486)}");
Console.WriteLine($"relay ports: {RelayPortRange.Default.Count}");
Console.WriteLine($"security levels: {string.Join(", ", Enum.GetNames<CallSecurity>())}");

// CallClient: an end-to-end encrypted call between two clients through the embedded server, public API only.
var users = new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" };
await using var server = await VoipKit.Server.Sip.SipServer.StartAsync(new VoipKit.Server.Sip.SipServerOptions
{
    Domain = "smoke.test",
    Users = users,
    ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
});
var directory = new InMemoryPreKeyDirectory();
CallClientOptions Account(string user) => new()
{
    AddressOfRecord = $"sip:{user}@smoke.test",
    Password = users[user],
    OutboundProxy = server.Uri.ToString(),
    LocalAddress = "127.0.0.1",
};
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await using var alice = new CallClient(Account("alice"), directory);
await using var bob = new CallClient(Account("bob"), directory);
await alice.StartAsync(deadline.Token);
await bob.StartAsync(deadline.Token);
var heard = new MemoryAudioSink();
Task<Call> answered = Task.Run(async () => await (await bob.IncomingCalls.ReadAsync(deadline.Token)).AcceptAsync(new SilenceSource(), heard, deadline.Token));
await using Call call = alice.CreateCall("bob", new ToneSource(440), new MemoryAudioSink());
await call.ConnectAsync(deadline.Token);
Call bobCall = await answered;
await Task.Delay(TimeSpan.FromSeconds(1.5), deadline.Token);
CallStatistics stats = bobCall.GetStatistics();
CallPath? path = call.Path;
await call.HangUpAsync(deadline.Token);
CallEnd end = await bobCall.Ended.WaitAsync(deadline.Token);
Console.WriteLine($"call: {call.Security}, path {path?.Type}, bob received {stats.PacketsReceived} packets, {heard.Count} samples played, ended {end.Reason}");
if (call.Security != CallSecurity.EndToEndUnverified || stats.PacketsReceived < 20 || end.Reason != CallEndReason.RemoteHangUp)
{
    throw new InvalidOperationException("the end-to-end call through the packages did not work");
}
