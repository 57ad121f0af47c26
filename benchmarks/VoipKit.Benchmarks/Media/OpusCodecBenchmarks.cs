using BenchmarkDotNet.Attributes;
using VoipKit.Audio;
using VoipKit.Media.Codecs;

namespace VoipKit.Benchmarks.Media;

/// <summary>Opus encode and decode of one 20 ms frame of speech at 24 kbit/s, native libopus and managed Concentus.</summary>
[MemoryDiagnoser]
public class OpusCodecBenchmarks
{
    private readonly short[][] _frames = new short[50][];
    private readonly byte[][] _packets = new byte[50][];
    private readonly byte[] _packet = new byte[OpusAudioEncoder.MaxPacketBytes];
    private readonly short[] _pcm = new short[960];
    private OpusAudioEncoder _encoder = null!;
    private OpusAudioDecoder _decoder = null!;
    private int _next;

    [Params(OpusCodecPreference.Auto, OpusCodecPreference.Managed)]
    public OpusCodecPreference Implementation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var speech = new SpeechLikeSource(1);
        speech.StartAsync().AsTask().GetAwaiter().GetResult();
        using var enc = new OpusAudioEncoder();
        for (int i = 0; i < _frames.Length; i++)
        {
            _frames[i] = new short[AudioFormat.SamplesPerFrame];
            speech.Read(_frames[i]);
            _packets[i] = _packet[..enc.Encode(_frames[i], _packet)];
        }

        _encoder = new OpusAudioEncoder(new OpusEncoderSettings { Preference = Implementation });
        _decoder = new OpusAudioDecoder(Implementation);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    [Benchmark]
    public int Encode20ms() => _encoder.Encode(_frames[_next++ % _frames.Length], _packet);

    [Benchmark]
    public int Decode20ms()
    {
        _decoder.TryDecode(_packets[_next++ % _packets.Length], _pcm, out int samples);
        return samples;
    }
}
