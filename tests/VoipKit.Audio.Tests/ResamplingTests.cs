using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace VoipKit.Audio.Tests;

public class ResamplingTests
{
    [Theory]
    [InlineData(8_000)]
    [InlineData(16_000)]
    [InlineData(44_100)]
    public async Task Tone_recorded_at_a_lower_rate_comes_out_at_1kHz_at_48kHz(int rate)
    {
        short[] tone = new short[rate * 2];
        ToneSource.Fill(tone, 1000, rate, amplitude: 0.5);
        await using var source = new WavFileSource(new MemoryStream(TestWav.Pcm16(rate, 1, tone)));
        short[] output = await TestWav.ReadAllAsync(source);

        Assert.Equal(96_000, output.Length); // the same two seconds at 48 kHz
        ReadOnlySpan<short> middle = output.AsSpan(4_800, 86_400);
        Assert.InRange(TestWav.MeasureFrequency(middle, 48_000, skip: 0), 999.98, 1000.02);
        // Amplitude kept (0.5 FS sine: RMS 0.5 * 32767 / sqrt 2) and nearly all power in the tone.
        Assert.InRange(TestWav.Rms(middle), 11_500, 11_670);
        Assert.True(TestWav.PowerFraction(middle, 1000, 48_000) > 0.9995);
    }

    [Fact]
    public async Task Stereo_44k1_is_downmixed_and_resampled()
    {
        short[] left = new short[44_100];
        ToneSource.Fill(left, 1000, 44_100, 0.4);
        short[] interleaved = new short[left.Length * 2];
        for (int i = 0; i < left.Length; i++)
        {
            interleaved[2 * i] = left[i];
            interleaved[(2 * i) + 1] = 0; // the tone on one channel only: the mix halves it
        }

        await using var source = new WavFileSource(new MemoryStream(TestWav.Pcm16(44_100, 2, interleaved)));
        short[] output = await TestWav.ReadAllAsync(source);
        Assert.Equal(48_000, output.Length);
        ReadOnlySpan<short> middle = output.AsSpan(4_800, 38_400);
        Assert.InRange(TestWav.MeasureFrequency(middle, 48_000, skip: 0), 999.98, 1000.02);
        Assert.InRange(TestWav.Rms(middle), 0.2 * 32767 / Math.Sqrt(2) * 0.99, 0.2 * 32767 / Math.Sqrt(2) * 1.01);
    }

    [Fact]
    public void Decimation_removes_what_the_lower_rate_cannot_hold()
    {
        // 6 kHz is above 8 kHz's Nyquist (4 kHz): after 48k -> 8k it must be gone, not folded to 2 kHz.
        short[] input = new short[48_000];
        ToneSource.Fill(input, 6_000, 48_000, 0.5);
        var r = new AudioResampler(48_000, 8_000);
        short[] output = new short[r.GetMaxOutputLength(input.Length)];
        int n = r.Process(input, output);
        n += r.Flush(output.AsSpan(n));
        Assert.Equal(8_000, n);
        double rms = TestWav.Rms(output.AsSpan(400, 7_200));
        Assert.True(rms < 11_585 / 1000.0, $"aliased residue {rms} is not 60 dB below the input");
    }

    [Fact]
    public void Same_rate_is_a_copy()
    {
        var r = new AudioResampler(48_000, 48_000);
        short[] input = [1, 2, 3, -4];
        short[] output = new short[4];
        Assert.Equal(4, r.Process(input, output));
        Assert.Equal(input, output);
        Assert.Equal(0, r.Flush(output));
    }

    [Fact]
    public void Too_small_output_is_refused_without_losing_state()
    {
        var r = new AudioResampler(8_000, 48_000);
        Assert.Throws<ArgumentException>(() => r.Process(new short[100], new short[10]));
        short[] output = new short[r.GetMaxOutputLength(100)];
        int n = r.Process(new short[100], output);
        n += r.Flush(output.AsSpan(n));
        Assert.Equal(600, n);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1000, 0)]
    [InlineData(8_000, 400_000)]
    public void Absurd_rates_are_refused(int from, int to) => Assert.Throws<ArgumentOutOfRangeException>(() => new AudioResampler(from, to));

    [Property(MaxTest = 60)]
    public Property Output_does_not_depend_on_chunking_and_has_the_exact_length()
    {
        var rates = Gen.Elements(8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000);
        var gen = from inRate in rates
                  from outRate in rates
                  from length in Gen.Choose(0, 3_000)
                  from seed in Gen.Choose(1, 1000)
                  from chunk in Gen.Choose(1, 700)
                  select (inRate, outRate, length, seed, chunk);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            short[] input = new short[t.length];
            var speech = new SpeechLikeSource(t.seed);
            speech.StartAsync().AsTask().Wait();
            speech.Read(input);

            short[] whole = Run(t.inRate, t.outRate, input, input.Length == 0 ? 1 : input.Length);
            short[] chunked = Run(t.inRate, t.outRate, input, t.chunk);
            long expected = (((long)t.length * t.outRate) + t.inRate - 1) / t.inRate;
            return whole.SequenceEqual(chunked) && whole.Length == expected;
        });
    }

    private static short[] Run(int inRate, int outRate, short[] input, int chunk)
    {
        var r = new AudioResampler(inRate, outRate);
        var output = new List<short>();
        short[] buffer = new short[r.GetMaxOutputLength(chunk)];
        for (int i = 0; i < input.Length; i += chunk)
        {
            int n = r.Process(input.AsSpan(i, Math.Min(chunk, input.Length - i)), buffer);
            output.AddRange(buffer.AsSpan(0, n));
        }

        int f = r.Flush(buffer);
        output.AddRange(buffer.AsSpan(0, f));
        return [.. output];
    }
}
