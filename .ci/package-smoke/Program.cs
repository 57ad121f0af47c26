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
