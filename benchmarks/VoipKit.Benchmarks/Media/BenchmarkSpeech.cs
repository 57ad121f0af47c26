using VoipKit.Audio;
using VoipKit.Media.Codecs;

namespace VoipKit.Benchmarks.Media;

/// <summary>Opus packets of the speech-like test signal, made once per benchmark setup.</summary>
internal static class BenchmarkSpeech
{
    public static byte[][] OpusPayloads(int count)
    {
        var speech = new SpeechLikeSource(1);
        speech.StartAsync().AsTask().GetAwaiter().GetResult();
        using var encoder = new OpusAudioEncoder();
        short[] pcm = new short[AudioFormat.SamplesPerFrame];
        byte[] buffer = new byte[OpusAudioEncoder.MaxPacketBytes];
        var payloads = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            speech.Read(pcm);
            payloads[i] = buffer[..encoder.Encode(pcm, buffer)];
        }

        return payloads;
    }
}
