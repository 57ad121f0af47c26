using System.Buffers.Binary;

namespace VoipKit.Audio.Tests;

/// <summary>Builds WAV bytes by hand, including broken ones, for reader tests.</summary>
internal static class TestWav
{
    public static byte[] Pcm16(int sampleRate, int channels, short[] interleaved) =>
        Build(formatTag: 1, channels, sampleRate, bits: 16, interleaved.Length * 2, w =>
        {
            foreach (short s in interleaved)
            {
                w.Write(s);
            }
        });

    public static byte[] Build(ushort formatTag, int channels, int sampleRate, int bits, int dataLength, Action<BinaryWriter>? writeData = null,
        int? blockAlign = null, int? byteRate = null, uint? dataSizeField = null, bool fmtFirst = true, byte[]? extraChunk = null, int fmtSize = 16)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0u); // fixed below
        w.Write("WAVE"u8);
        int align = blockAlign ?? (channels * bits / 8);
        void WriteFmt()
        {
            w.Write("fmt "u8);
            w.Write((uint)fmtSize);
            w.Write(formatTag);
            w.Write((ushort)channels);
            w.Write((uint)sampleRate);
            w.Write((uint)(byteRate ?? (sampleRate * align)));
            w.Write((ushort)align);
            w.Write((ushort)bits);
            for (int i = 16; i < fmtSize; i++)
            {
                w.Write((byte)0);
            }
        }

        if (extraChunk is not null)
        {
            w.Write(extraChunk);
        }

        if (fmtFirst)
        {
            WriteFmt();
        }

        w.Write("data"u8);
        w.Write(dataSizeField ?? (uint)dataLength);
        long start = ms.Position;
        writeData?.Invoke(w);
        while (ms.Position - start < dataLength)
        {
            w.Write((byte)0);
        }

        if (!fmtFirst)
        {
            WriteFmt();
        }

        w.Flush();
        byte[] bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    public static async Task<short[]> ReadAllAsync(IAudioSource source, int chunk = AudioFormat.SamplesPerFrame)
    {
        await source.StartAsync();
        var sink = new MemoryAudioSink();
        await sink.StartAsync();
        await source.CopyToAsync(sink, chunk);
        return sink.ToArray();
    }

    /// <summary>Frequency from linearly interpolated rising zero crossings, skipping the edges.</summary>
    public static double MeasureFrequency(ReadOnlySpan<short> x, int sampleRate, int skip)
    {
        double first = -1, last = -1;
        int crossings = 0;
        for (int i = skip; i < x.Length - skip - 1; i++)
        {
            if (x[i] < 0 && x[i + 1] >= 0)
            {
                double t = i + ((double)-x[i] / (x[i + 1] - x[i]));
                if (first < 0)
                {
                    first = t;
                }
                else
                {
                    crossings++;
                }

                last = t;
            }
        }

        return crossings * (double)sampleRate / (last - first);
    }

    public static double Rms(ReadOnlySpan<short> x)
    {
        double sum = 0;
        foreach (short s in x)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    /// <summary>Power of one frequency relative to the total power (Goertzel), 0–1.</summary>
    public static double PowerFraction(ReadOnlySpan<short> x, double frequency, int sampleRate)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double re = 0, im = 0, total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            re += x[i] * Math.Cos(w * i);
            im -= x[i] * Math.Sin(w * i);
            total += (double)x[i] * x[i];
        }

        double tone = 2 * ((re * re) + (im * im)) / x.Length;
        return tone / total;
    }
}
