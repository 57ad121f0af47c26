namespace VoipKit.Media.Codecs;

/// <summary>
/// Reads the structure of an Opus packet (RFC 6716 section 3): the table-of-contents byte
/// and the frame count, without decoding. It applies the RFC's well-formedness rules
/// (section 3.4, R1–R7) so that malformed packets are refused before they reach a decoder.
/// </summary>
public static class OpusPacket
{
    /// <summary>The longest audio one packet may carry: 120 ms, 5760 samples at 48 kHz.</summary>
    public const int MaxSamples = 5760;

    /// <summary>The largest frame the RFC allows: 1275 bytes.</summary>
    public const int MaxFrameBytes = 1275;

    /// <summary>Samples at 48 kHz of one frame of the packet's configuration.</summary>
    /// <param name="toc">The packet's first byte.</param>
    /// <returns>120, 240, 480, 960, 1920 or 2880.</returns>
    public static int SamplesPerFrame(byte toc)
    {
        int config = toc >> 3;
        return config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 }, // SILK-only: 10, 20, 40, 60 ms
            < 16 => (config & 1) == 0 ? 480 : 960,                                       // hybrid: 10, 20 ms
            _ => (config & 3) switch { 0 => 120, 1 => 240, 2 => 480, _ => 960 },          // CELT-only: 2.5, 5, 10, 20 ms
        };
    }

    /// <summary>Whether the packet's TOC byte signals stereo.</summary>
    /// <param name="toc">The packet's first byte.</param>
    /// <returns>True for stereo.</returns>
    public static bool IsStereo(byte toc) => (toc & 0x04) != 0;

    /// <summary>Checks a packet's framing and tells how many samples (at 48 kHz) it decodes to.</summary>
    /// <param name="packet">The whole Opus packet (an RTP payload).</param>
    /// <param name="samples">Samples per channel at 48 kHz.</param>
    /// <returns><see langword="false"/> when the packet breaks a rule of RFC 6716 section 3.4.</returns>
    public static bool TryGetSamples(ReadOnlySpan<byte> packet, out int samples)
    {
        samples = 0;
        if (packet.IsEmpty)
        {
            return false; // R1
        }

        byte toc = packet[0];
        int perFrame = SamplesPerFrame(toc);
        ReadOnlySpan<byte> rest = packet[1..];
        int frames;
        switch (toc & 3)
        {
            case 0:
                frames = 1;
                if (rest.Length > MaxFrameBytes)
                {
                    return false; // R2
                }

                break;
            case 1:
                frames = 2;
                if ((rest.Length & 1) != 0 || rest.Length / 2 > MaxFrameBytes)
                {
                    return false; // R3
                }

                break;
            case 2:
            {
                frames = 2;
                if (!TryReadLength(ref rest, out int first) || first > rest.Length || rest.Length - first > MaxFrameBytes)
                {
                    return false; // R4
                }

                break;
            }

            default:
            {
                if (rest.IsEmpty)
                {
                    return false; // R6/R7: the frame count byte is missing
                }

                byte count = rest[0];
                rest = rest[1..];
                frames = count & 0x3F;
                if (frames == 0 || frames * perFrame > MaxSamples)
                {
                    return false; // R5
                }

                bool vbr = (count & 0x80) != 0;
                bool padded = (count & 0x40) != 0;
                int padding = 0;
                if (padded)
                {
                    // Padding length: bytes of 255 add 254 each, the last byte adds its value.
                    while (true)
                    {
                        if (rest.IsEmpty)
                        {
                            return false;
                        }

                        byte p = rest[0];
                        rest = rest[1..];
                        padding += p == 255 ? 254 : p;
                        if (p != 255)
                        {
                            break;
                        }
                    }
                }

                if (padding > rest.Length)
                {
                    return false;
                }

                int available = rest.Length - padding;
                if (vbr)
                {
                    int used = 0;
                    for (int i = 0; i < frames - 1; i++)
                    {
                        if (!TryReadLength(ref rest, out int len))
                        {
                            return false;
                        }

                        available = rest.Length - padding;
                        used += len;
                        if (used > available)
                        {
                            return false; // R6
                        }
                    }

                    if (available - used > MaxFrameBytes)
                    {
                        return false;
                    }
                }
                else if (available % frames != 0 || available / frames > MaxFrameBytes)
                {
                    return false; // R7
                }

                break;
            }
        }

        samples = frames * perFrame;
        return samples <= MaxSamples;
    }

    private static bool TryReadLength(ref ReadOnlySpan<byte> data, out int length)
    {
        // RFC 6716 3.2.1: one byte below 252, else two bytes: first + 4 * second.
        length = 0;
        if (data.IsEmpty)
        {
            return false;
        }

        int b0 = data[0];
        if (b0 < 252)
        {
            length = b0;
            data = data[1..];
            return true;
        }

        if (data.Length < 2)
        {
            return false;
        }

        length = b0 + (4 * data[1]);
        data = data[2..];
        return true;
    }
}
