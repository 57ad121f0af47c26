using System.Buffers.Binary;

namespace VoipKit.Audio.Tests;

public sealed class WavRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("voipkit-wav-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(959)]
    [InlineData(960)]
    [InlineData(48_000 * 3 + 17)]
    public async Task Written_samples_read_back_identically(int length)
    {
        short[] samples = new short[length];
        var source = new SpeechLikeSource(seed: 7);
        await source.StartAsync();
        source.Read(samples);
        string path = Path.Combine(_dir, "a.wav");

        await using (var sink = new WavFileSink(path))
        {
            await sink.StartAsync();
            // Odd write sizes: the file must not care how the audio arrived.
            for (int i = 0; i < length; i += 333)
            {
                await sink.WriteAsync(samples.AsMemory(i, Math.Min(333, length - i)));
            }
        }

        Assert.Equal(44 + (2 * length), new FileInfo(path).Length);
        await using var reader = new WavFileSource(path);
        short[] back = await TestWav.ReadAllAsync(reader, chunk: 500);
        Assert.Equal(samples, back);
        Assert.Equal(WavFormat.Internal, reader.FileFormat);
        Assert.Equal(AudioFormat.DurationOf(length), reader.Duration);
    }

    [Fact]
    public async Task Header_fields_are_canonical()
    {
        string path = Path.Combine(_dir, "h.wav");
        await using (var sink = new WavFileSink(path, new WavFileSinkOptions { Channels = 2, SampleRate = 48_000 }))
        {
            await sink.StartAsync();
            await sink.WriteAsync(new short[] { 1, -2, 3 });
        }

        byte[] b = await File.ReadAllBytesAsync(path);
        Assert.Equal("RIFF"u8.ToArray(), b[0..4]);
        Assert.Equal((uint)(b.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        Assert.Equal("WAVEfmt "u8.ToArray(), b[8..16]);
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(20)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(22)));
        Assert.Equal(48_000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24)));
        Assert.Equal(192_000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(28)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(32)));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), b[36..40]);
        Assert.Equal(12u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(40)));
        // Stereo output carries the mono signal on both channels.
        Assert.Equal(new short[] { 1, 1, -2, -2, 3, 3 }, Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(44 + (2 * i)))));
    }

    [Fact]
    public async Task Stereo_file_reads_back_as_the_mono_signal()
    {
        string path = Path.Combine(_dir, "s.wav");
        short[] mono = new short[4800];
        ToneSource.Fill(mono, 440, 48_000);
        await using (var sink = new WavFileSink(path, new WavFileSinkOptions { Channels = 2 }))
        {
            await sink.StartAsync();
            await sink.WriteAsync(mono);
        }

        await using var reader = new WavFileSource(path);
        Assert.Equal(mono, await TestWav.ReadAllAsync(reader));
        Assert.Equal(2, reader.FileFormat!.Value.Channels);
    }

    [Fact]
    public async Task Abrupt_end_header_is_fixed_on_dispose_without_stop()
    {
        string path = Path.Combine(_dir, "abrupt.wav");
        var sink = new WavFileSink(path, new WavFileSinkOptions { HeaderUpdateInterval = TimeSpan.FromHours(1) });
        await sink.StartAsync();
        await sink.WriteAsync(new short[1000]);
        // Before dispose the header still says 0 bytes (the update interval is long).
        using (var peek = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            byte[] h = new byte[44];
            peek.ReadExactly(h);
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(40)));
        }

        await sink.DisposeAsync();
        await using var reader = new WavFileSource(path);
        Assert.Equal(1000, (await TestWav.ReadAllAsync(reader)).Length);
    }

    [Fact]
    public async Task Header_is_kept_up_to_date_while_writing()
    {
        string path = Path.Combine(_dir, "live.wav");
        await using var sink = new WavFileSink(path, new WavFileSinkOptions { HeaderUpdateInterval = TimeSpan.FromMilliseconds(100) });
        await sink.StartAsync();
        for (int i = 0; i < 10; i++)
        {
            await sink.WriteAsync(new short[AudioFormat.SamplesPerFrame]);
        }

        // A process that died now would leave a file whose header covers at least the last update.
        using var peek = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await using var reader = new WavFileSource(peek, leaveOpen: true);
        short[] samples = await TestWav.ReadAllAsync(reader);
        Assert.Equal(10 * AudioFormat.SamplesPerFrame, samples.Length);
    }

    [Theory]
    [InlineData(8_000)]
    [InlineData(16_000)]
    [InlineData(44_100)]
    public async Task Sink_at_another_rate_writes_the_right_duration_and_tone(int rate)
    {
        string path = Path.Combine(_dir, $"r{rate}.wav");
        var tone = new ToneSource(1000, 0.5, TimeSpan.FromSeconds(1));
        await tone.StartAsync();
        await using (var sink = new WavFileSink(path, new WavFileSinkOptions { SampleRate = rate }))
        {
            await sink.StartAsync();
            await tone.CopyToAsync(sink);
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        short[] pcm = new short[(bytes.Length - 44) / 2];
        for (int i = 0; i < pcm.Length; i++)
        {
            pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + (2 * i)));
        }

        Assert.Equal(rate, pcm.Length);
        Assert.InRange(TestWav.MeasureFrequency(pcm, rate, skip: rate / 20), 999.95, 1000.05);
    }

    [Fact]
    public async Task Lifecycle_misuse_is_reported()
    {
        string path = Path.Combine(_dir, "m.wav");
        await using var sink = new WavFileSink(path);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await sink.WriteAsync(new short[1]));
        await using var source = new WavFileSource(path);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await source.ReadAsync(new short[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavFileSink(path, new WavFileSinkOptions { SampleRate = 96_000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavFileSink(path, new WavFileSinkOptions { Channels = 3 }));
    }
}
