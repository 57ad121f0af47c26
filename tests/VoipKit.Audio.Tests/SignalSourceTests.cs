namespace VoipKit.Audio.Tests;

public class SignalSourceTests
{
    [Fact]
    public async Task Tone_has_its_frequency_and_level()
    {
        var tone = new ToneSource(1000, 0.5, TimeSpan.FromSeconds(1));
        short[] x = await TestWav.ReadAllAsync(tone);
        Assert.Equal(48_000, x.Length);
        Assert.InRange(TestWav.MeasureFrequency(x, 48_000, 0), 999.999, 1000.001);
        Assert.InRange(TestWav.Rms(x), 11_580, 11_590);
    }

    [Fact]
    public async Task Silence_is_zero_and_ends_on_time()
    {
        var s = new SilenceSource(TimeSpan.FromMilliseconds(50));
        short[] x = await TestWav.ReadAllAsync(s, chunk: 960);
        Assert.Equal(2_400, x.Length);
        Assert.All(x, v => Assert.Equal(0, v));
    }

    [Fact]
    public async Task Speech_like_signal_is_deterministic_whatever_the_reads()
    {
        short[] a = await TestWav.ReadAllAsync(new SpeechLikeSource(3, TimeSpan.FromSeconds(5)), chunk: 960);
        short[] b = await TestWav.ReadAllAsync(new SpeechLikeSource(3, TimeSpan.FromSeconds(5)), chunk: 71);
        short[] c = await TestWav.ReadAllAsync(new SpeechLikeSource(4, TimeSpan.FromSeconds(5)), chunk: 960);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task Speech_like_signal_looks_like_speech()
    {
        short[] x = await TestWav.ReadAllAsync(new SpeechLikeSource(1, TimeSpan.FromSeconds(30)));
        // Per 20 ms frame: loud (talk) and near-silent (pause) frames both occur, and the level is speech-like.
        int frames = x.Length / 960, quiet = 0, loud = 0;
        double activeSum = 0;
        for (int f = 0; f < frames; f++)
        {
            double rms = TestWav.Rms(x.AsSpan(f * 960, 960));
            if (rms < 100)
            {
                quiet++;
            }
            else if (rms > 800)
            {
                loud++;
                activeSum += rms;
            }
        }

        Assert.InRange(quiet / (double)frames, 0.10, 0.45);
        Assert.InRange(loud / (double)frames, 0.40, 0.85);
        double activeDbfs = 20 * Math.Log10(activeSum / loud / 32768);
        Assert.InRange(activeDbfs, -26, -14);
        Assert.DoesNotContain(short.MaxValue, x);
        Assert.DoesNotContain(short.MinValue, x);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToneSource(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToneSource(24_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToneSource(440, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SilenceSource(TimeSpan.FromSeconds(-1)));
        Assert.Throws<InvalidOperationException>(() => new SilenceSource().Read(new short[1]));
    }

    [Fact]
    public void Frames_and_buffers_do_not_copy()
    {
        using var buffer = AudioBuffer.Rent();
        Assert.Equal(960, buffer.Length);
        buffer.Span[0] = 42;
        AudioFrame frame = buffer.AsFrame(960, timestamp: 48_000);
        Assert.Equal(42, frame.Samples.Span[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(20), frame.Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), frame.Position);
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }
}
