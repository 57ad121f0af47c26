namespace VoipKit.Audio.Tests;

public class WavMalformedTests
{
    public static TheoryData<string, byte[], WavError> Cases()
    {
        byte[] good = TestWav.Pcm16(16_000, 1, new short[100]);
        var data = new TheoryData<string, byte[], WavError>
        {
            { "empty file", [], WavError.TruncatedHeader },
            { "7 bytes", good[..7], WavError.TruncatedHeader },
            { "not RIFF", [.. "RIFX"u8, .. good[4..]], WavError.NotRiff },
            { "RF64", [.. "RF64"u8, .. good[4..]], WavError.NotRiff },
            { "not WAVE", [.. good[..8], .. "AVI "u8, .. good[12..]], WavError.NotWave },
            { "header only", good[..12], WavError.MissingFormatChunk },
            { "fmt truncated", good[..30], WavError.TruncatedHeader },
            { "no data chunk", good[..36], WavError.MissingDataChunk },
            { "data before fmt", TestWav.Build(1, 1, 16_000, 16, 10, fmtFirst: false), WavError.MissingFormatChunk },
            { "IEEE float", TestWav.Build(3, 1, 48_000, 32, 8), WavError.UnsupportedEncoding },
            { "A-law", TestWav.Build(6, 1, 8_000, 8, 8), WavError.UnsupportedEncoding },
            { "mu-law", TestWav.Build(7, 1, 8_000, 8, 8), WavError.UnsupportedEncoding },
            { "24-bit", TestWav.Build(1, 1, 48_000, 24, 9), WavError.UnsupportedBitsPerSample },
            { "8-bit", TestWav.Build(1, 1, 8_000, 8, 8), WavError.UnsupportedBitsPerSample },
            { "0 channels", TestWav.Build(1, 0, 16_000, 16, 8, blockAlign: 0), WavError.UnsupportedChannelCount },
            { "6 channels", TestWav.Build(1, 6, 16_000, 16, 12), WavError.UnsupportedChannelCount },
            { "rate 0", TestWav.Build(1, 1, 0, 16, 8), WavError.UnsupportedSampleRate },
            { "rate 4 GHz", TestWav.Build(1, 1, unchecked((int)4_000_000_000u), 16, 8), WavError.UnsupportedSampleRate },
            { "rate 96 kHz", TestWav.Build(1, 1, 96_000, 16, 8), WavError.UnsupportedSampleRate },
            { "block align lies", TestWav.Build(1, 2, 16_000, 16, 8, blockAlign: 2), WavError.InconsistentFormat },
            { "byte rate lies", TestWav.Build(1, 1, 16_000, 16, 8, byteRate: 1), WavError.InconsistentFormat },
            { "data size lies", TestWav.Build(1, 1, 16_000, 16, 8, dataSizeField: 0x7FFF_FFF0), WavError.ChunkSizeMismatch },
            { "fmt size absurd", TestWav.Build(1, 1, 16_000, 16, 8, fmtSize: 1 << 20), WavError.ChunkSizeMismatch },
            { "fmt size too small", [.. good[..16], 4, 0, 0, 0, .. good[20..]], WavError.ChunkSizeMismatch },
            { "extra chunk size lies", TestWav.Build(1, 1, 16_000, 16, 8, extraChunk: [.. "LIST"u8, 0xF0, 0xFF, 0xFF, 0x7F]), WavError.ChunkSizeMismatch },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_file_gets_a_typed_error_naming_it(string name, byte[] file, WavError expected)
    {
        await using var source = new WavFileSource(new MemoryStream(file));
        var e = await Assert.ThrowsAsync<WavFormatException>(async () => await source.StartAsync());
        Assert.True(expected == e.Error, $"{name}: expected {expected}, got {e.Error}: {e.Message}");
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public async Task Lying_data_size_on_a_non_seekable_stream_reads_what_is_there_without_hanging()
    {
        byte[] file = TestWav.Build(1, 1, 48_000, 16, 20, w =>
        {
            for (short i = 1; i <= 10; i++)
            {
                w.Write(i);
            }
        }, dataSizeField: 0xFFFF_FFF0);
        await using var source = new WavFileSource(new NonSeekableStream(file));
        Task<short[]> read = TestWav.ReadAllAsync(source);
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (short)i), await read);
    }

    [Fact]
    public async Task Unknown_chunks_are_skipped_and_extensible_pcm_is_accepted()
    {
        byte[] list = [.. "LIST"u8, 3, 0, 0, 0, 1, 2, 3, 0]; // odd size with its pad byte
        byte[] file = TestWav.Build(1, 1, 48_000, 16, 4, w => { w.Write((short)5); w.Write((short)-5); }, extraChunk: list);
        await using (var source = new WavFileSource(new MemoryStream(file)))
        {
            Assert.Equal(new short[] { 5, -5 }, await TestWav.ReadAllAsync(source));
        }

        // WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID's first two bytes = 0x0001.
        byte[] ext = TestWav.Build(0xFFFE, 1, 48_000, 16, 4, w => { w.Write((short)7); w.Write((short)8); }, fmtSize: 40);
        ext[20 + 24] = 1;
        await using (var source = new WavFileSource(new MemoryStream(ext)))
        {
            Assert.Equal(new short[] { 7, 8 }, await TestWav.ReadAllAsync(source));
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
