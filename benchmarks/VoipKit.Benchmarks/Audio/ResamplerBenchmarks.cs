using BenchmarkDotNet.Attributes;
using VoipKit.Audio;

namespace VoipKit.Benchmarks.Audio;

/// <summary>Cost of converting one 20 ms frame to 48 kHz, as a capture device at another rate needs per frame.</summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private AudioResampler _resampler = null!;
    private short[] _input = null!;
    private short[] _output = null!;

    [Params(8_000, 16_000, 44_100)]
    public int InputRate { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _resampler = new AudioResampler(InputRate, AudioFormat.SampleRate);
        _input = new short[InputRate / 50];
        ToneSource.Fill(_input, 1000, InputRate);
        _output = new short[_resampler.GetMaxOutputLength(_input.Length)];
    }

    [Benchmark]
    public int ResampleFrameTo48k() => _resampler.Process(_input, _output);
}
