using BenchmarkDotNet.Attributes;
using VoipKit.Audio;

namespace VoipKit.Benchmarks.Audio;

/// <summary>Cost per 20 ms frame of the test signal generator and of reading a 48 kHz WAV.</summary>
[MemoryDiagnoser]
public class SignalBenchmarks
{
    private readonly short[] _frame = new short[AudioFormat.SamplesPerFrame];
    private SpeechLikeSource _speech = null!;
    private byte[] _wav = null!;

    [GlobalSetup]
    public void Setup()
    {
        _speech = new SpeechLikeSource(1);
        _speech.StartAsync().AsTask().GetAwaiter().GetResult();
        var ms = new MemoryStream();
        var sink = new WavFileSink(ms, leaveOpen: true);
        sink.StartAsync().AsTask().GetAwaiter().GetResult();
        sink.WriteAsync(new short[AudioFormat.SampleRate]).AsTask().GetAwaiter().GetResult();
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _wav = ms.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _speech?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int SpeechLikeFrame() => _speech.Read(_frame);

    /// <summary>Opens a 1 s WAV from memory and reads it frame by frame (50 frames).</summary>
    [Benchmark]
    public async Task<int> ReadOneSecondWav()
    {
        await using var source = new WavFileSource(new MemoryStream(_wav));
        await source.StartAsync();
        int total = 0, n;
        while ((n = await source.ReadAsync(_frame)) > 0)
        {
            total += n;
        }

        return total;
    }
}
