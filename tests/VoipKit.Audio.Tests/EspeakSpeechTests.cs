namespace VoipKit.Audio.Tests;

public class EspeakSpeechTests
{
    // test.sh installs espeak-ng: if it is missing this fails rather than skips.
    [Fact]
    public async Task Spoken_sentence_is_a_readable_wav_with_speech_in_it()
    {
        Assert.True(EspeakSpeech.IsInstalled, "espeak-ng is not installed; run ./test.sh as root to install it.");
        string path = Path.Combine(Path.GetTempPath(), $"voipkit-espeak-{Guid.NewGuid():N}.wav");
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await EspeakSpeech.SynthesizeToWavAsync("Hello from VoipKit. This call is end to end encrypted.", path, cancellationToken: cts.Token);
            await using var source = new WavFileSource(path);
            short[] x = await TestWav.ReadAllAsync(source);
            Assert.InRange(x.Length / 48_000.0, 2.0, 8.0);
            Assert.True(TestWav.Rms(x) > 500, "the sentence should be audible");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => EspeakSpeech.SynthesizeToWavAsync(" ", "x.wav"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => EspeakSpeech.SynthesizeToWavAsync("hi", "x.wav", wordsPerMinute: 5));
    }
}
