using System.Buffers.Binary;

namespace VoipKit.Audio;

/// <summary>
/// Reads and writes the RIFF/WAVE structure. Reading walks the chunks with bounded reads:
/// a size field is checked against what the stream can hold before anything is skipped or
/// allocated, so a lying header fails fast instead of hanging or exhausting memory.
/// </summary>
internal static class WavHeader
{
    /// <summary>Size of the canonical header <see cref="Write"/> produces.</summary>
    public const int CanonicalLength = 44;

    // A PCM fmt chunk is 16 bytes, WAVE_FORMAT_EXTENSIBLE 40; anything far larger is not a real one.
    private const int MaxFormatChunkLength = 1024;

    private const ushort FormatPcm = 0x0001;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads up to the start of the PCM data; the stream is left at the first data byte.</summary>
    /// <returns>The format and the data length in bytes (whole sample frames only).</returns>
    public static (WavFormat Format, long DataLength) Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        if (!TryReadExactly(stream, header))
        {
            throw new WavFormatException(WavError.TruncatedHeader, "The file ends inside the 12-byte RIFF header.");
        }

        if (!header[..4].SequenceEqual("RIFF"u8))
        {
            throw new WavFormatException(WavError.NotRiff, $"Expected 'RIFF' at offset 0, found '{Printable(header[..4])}'.");
        }

        if (!header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException(WavError.NotWave, $"Expected form type 'WAVE', found '{Printable(header[8..12])}'.");
        }

        WavFormat? format = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[MaxFormatChunkLength];
        while (true)
        {
            if (!TryReadExactly(stream, chunkHeader))
            {
                throw new WavFormatException(format is null ? WavError.MissingFormatChunk : WavError.MissingDataChunk,
                    format is null ? "The file has no 'fmt ' chunk." : "The file has no 'data' chunk.");
            }

            ReadOnlySpan<byte> id = chunkHeader[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            long remaining = Remaining(stream);

            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > MaxFormatChunkLength)
                {
                    throw new WavFormatException(WavError.ChunkSizeMismatch, $"The 'fmt ' chunk claims {size} bytes; a PCM format chunk has 16 to {MaxFormatChunkLength}.");
                }

                Span<byte> body = fmt[..(int)size];
                if (!TryReadExactly(stream, body))
                {
                    throw new WavFormatException(WavError.TruncatedHeader, $"The file ends inside the {size}-byte 'fmt ' chunk.");
                }

                SkipPadding(stream, size);
                format = ParseFormat(body);
                continue;
            }

            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new WavFormatException(WavError.MissingFormatChunk, "The 'data' chunk comes before any 'fmt ' chunk.");
                }

                if (remaining >= 0 && size > remaining)
                {
                    throw new WavFormatException(WavError.ChunkSizeMismatch, $"The 'data' chunk claims {size} bytes but only {remaining} follow.");
                }

                long whole = size - (size % (uint)format.Value.BlockAlign);
                return (format.Value, whole);
            }

            // Any other chunk (LIST, fact, cue, ...) is skipped, after checking it fits.
            long padded = size + (size & 1);
            if (remaining >= 0 && size > remaining)
            {
                throw new WavFormatException(WavError.ChunkSizeMismatch, $"Chunk '{Printable(id)}' claims {size} bytes but only {remaining} follow.");
            }

            Skip(stream, Math.Min(padded, remaining >= 0 ? remaining : padded), Printable(id));
        }
    }

    /// <summary>Writes a canonical 44-byte header for <paramref name="dataLength"/> bytes of PCM.</summary>
    public static void Write(Span<byte> destination, WavFormat format, uint dataLength)
    {
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], checked(36 + dataLength + (dataLength & 1)));
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)format.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)format.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (uint)format.ByteRate);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], (ushort)format.BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], (ushort)WavFormat.BitsPerSample);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], dataLength);
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> body)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        uint byteRate = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

        if (tag == FormatExtensible)
        {
            // cbSize(2) validBits(2) channelMask(4) then the sub-format GUID, whose first two bytes are the real tag.
            if (body.Length < 40)
            {
                throw new WavFormatException(WavError.ChunkSizeMismatch, $"A WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk needs 40 bytes, this one has {body.Length}.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
        }

        if (tag != FormatPcm)
        {
            string name = tag switch
            {
                0x0003 => "IEEE float",
                0x0006 => "A-law",
                0x0007 => "mu-law",
                0x0002 => "MS ADPCM",
                0x0011 => "IMA ADPCM",
                0x0055 => "MP3",
                _ => $"format tag 0x{tag:X4}",
            };
            throw new WavFormatException(WavError.UnsupportedEncoding, $"Encoding {name} is not supported; only 16-bit integer PCM is.");
        }

        if (bits != 16)
        {
            throw new WavFormatException(WavError.UnsupportedBitsPerSample, $"{bits}-bit samples are not supported; only 16-bit PCM is.");
        }

        if (channels is < 1 or > 2)
        {
            throw new WavFormatException(WavError.UnsupportedChannelCount, $"{channels} channels are not supported; only mono and stereo are.");
        }

        if (rate is < WavFormat.MinSampleRate or > WavFormat.MaxSampleRate)
        {
            throw new WavFormatException(WavError.UnsupportedSampleRate, $"A sample rate of {rate} Hz is not supported; {WavFormat.MinSampleRate}-{WavFormat.MaxSampleRate} Hz is.");
        }

        var format = new WavFormat((int)rate, channels);
        if (blockAlign != format.BlockAlign || byteRate != (uint)format.ByteRate)
        {
            throw new WavFormatException(WavError.InconsistentFormat,
                $"Block align {blockAlign} and byte rate {byteRate} do not match {channels} channel(s) of 16-bit at {rate} Hz ({format.BlockAlign}, {format.ByteRate}).");
        }

        return format;
    }

    private static long Remaining(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return -1;
        }

        return Math.Max(0, stream.Length - stream.Position);
    }

    private static void SkipPadding(Stream stream, uint size)
    {
        // A missing pad byte at the very end is harmless: the next chunk read reports what is missing.
        if ((size & 1) == 1)
        {
            _ = stream.ReadByte();
        }
    }

    private static void Skip(Stream stream, long count, string chunk)
    {
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (count > 0)
        {
            int n = stream.Read(scratch[..(int)Math.Min(scratch.Length, count)]);
            if (n == 0)
            {
                throw new WavFormatException(WavError.ChunkSizeMismatch, $"The file ends inside chunk '{chunk}'.");
            }

            count -= n;
        }
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                return false;
            }

            total += n;
        }

        return true;
    }

    private static string Printable(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[id.Length];
        for (int i = 0; i < id.Length; i++)
        {
            chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(chars);
    }
}
