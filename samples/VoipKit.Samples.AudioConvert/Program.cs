// VoipKit audio sample: reads a WAV file (any 16-bit PCM rate 8-48 kHz, mono or stereo),
// converts it to VoipKit's internal format (48 kHz mono) frame by frame, writes the result,
// and prints what it did.
//
//   dotnet run -c Release --project samples/VoipKit.Samples.AudioConvert [input.wav] [output.wav]
//
// Without an input it makes one: a spoken sentence when espeak-ng is installed, otherwise
// VoipKit's speech-like test signal written as a 44.1 kHz stereo file, so that the run always
// shows a real conversion.
using System.Diagnostics;
using VoipKit.Audio;

string outDir = Path.Combine("artifacts", "audio-sample");
Directory.CreateDirectory(outDir);
string input = args.Length > 0 ? args[0] : await MakeInputAsync(outDir);
string output = args.Length > 1 ? args[1] : Path.Combine(outDir, "converted-48k-mono.wav");

var clock = Stopwatch.StartNew();
await using var source = new WavFileSource(input);
await using var sink = new WavFileSink(output);
try
{
    await source.StartAsync();
}
catch (WavFormatException e)
{
    Console.Error.WriteLine($"{input}: not a usable WAV file ({e.Error}): {e.Message}");
    return 1;
}

await sink.StartAsync();
using var frame = AudioBuffer.Rent();
long samples = 0, frames = 0, clipped = 0;
double energy = 0;
int peak = 0;
while (true)
{
    int n = await source.ReadAsync(frame.Memory);
    if (n == 0)
    {
        break;
    }

    foreach (short s in frame.Span[..n])
    {
        energy += (double)s * s;
        peak = Math.Max(peak, Math.Abs((int)s));
        clipped += s is short.MaxValue or short.MinValue ? 1 : 0;
    }

    await sink.WriteAsync(frame.Memory[..n]);
    samples += n;
    frames++;
}

await sink.StopAsync();
clock.Stop();

WavFormat inFormat = source.FileFormat!.Value;
double rmsDbfs = samples == 0 ? double.NegativeInfinity : 20 * Math.Log10(Math.Sqrt(energy / samples) / 32768);
Console.WriteLine($"input : {input}");
Console.WriteLine($"        {inFormat.SampleRate} Hz, {(inFormat.Channels == 1 ? "mono" : "stereo")}, 16-bit PCM, {source.Duration!.Value.TotalSeconds:F2} s");
Console.WriteLine($"output: {output}");
Console.WriteLine($"        {sink.Format.SampleRate} Hz, mono, 16-bit PCM, {AudioFormat.DurationOf(samples).TotalSeconds:F2} s, {samples} samples in {frames} frames of {AudioFormat.FrameMilliseconds} ms");
Console.WriteLine($"did   : {(inFormat.Channels == 2 ? "downmixed stereo, " : string.Empty)}{(inFormat.SampleRate == AudioFormat.SampleRate ? "no resampling needed" : $"resampled {inFormat.SampleRate} -> {AudioFormat.SampleRate} Hz (polyphase windowed sinc)")}");
Console.WriteLine($"level : RMS {rmsDbfs:F1} dBFS, peak {20 * Math.Log10(Math.Max(1, peak) / 32768.0):F1} dBFS, {clipped} clipped samples");
Console.WriteLine($"time  : {clock.Elapsed.TotalMilliseconds:F0} ms ({AudioFormat.DurationOf(samples).TotalSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-6):F0}x real time)");
return 0;

static async Task<string> MakeInputAsync(string dir)
{
    if (EspeakSpeech.IsInstalled)
    {
        string spoken = Path.Combine(dir, "spoken-input.wav");
        await EspeakSpeech.SynthesizeToWavAsync(
            "Hello from VoipKit. This sentence was spoken at twenty two kilohertz and converted to forty eight kilohertz for the call.", spoken);
        Console.WriteLine("made  : a spoken sentence with espeak-ng");
        return spoken;
    }

    string path = Path.Combine(dir, "speech-like-44k1-stereo.wav");
    var signal = new SpeechLikeSource(seed: 1, TimeSpan.FromSeconds(5));
    await signal.StartAsync();
    await using (var sink = new WavFileSink(path, new WavFileSinkOptions { SampleRate = 44_100, Channels = 2 }))
    {
        await sink.StartAsync();
        await signal.CopyToAsync(sink);
    }

    Console.WriteLine("made  : 5 s of VoipKit's speech-like test signal as a 44.1 kHz stereo file (install espeak-ng for a spoken sentence)");
    return path;
}
