using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Audio;
using VoipKit.Media.Codecs;

namespace VoipKit.Media.Tests.Codecs;

public class OpusCodecTests
{
    private static short[] Speech(int seconds, int seed = 1)
    {
        var s = new SpeechLikeSource(seed);
        s.StartAsync().AsTask().Wait();
        short[] x = new short[seconds * AudioFormat.SampleRate];
        s.Read(x);
        return x;
    }

    private static (List<byte[]> Packets, short[] Decoded) RoundTrip(short[] input, OpusEncoderSettings settings, OpusCodecPreference decoderPreference = OpusCodecPreference.Auto)
    {
        using var enc = new OpusAudioEncoder(settings);
        using var dec = new OpusAudioDecoder(decoderPreference);
        var packets = new List<byte[]>();
        var output = new List<short>();
        byte[] packet = new byte[OpusAudioEncoder.MaxPacketBytes];
        short[] pcm = new short[OpusPacket.MaxSamples];
        for (int i = 0; i + enc.FrameSamples <= input.Length; i += enc.FrameSamples)
        {
            int n = enc.Encode(input.AsSpan(i, enc.FrameSamples), packet);
            packets.Add(packet[..n]);
            Assert.Equal(OpusDecodeResult.Ok, dec.TryDecode(packet.AsSpan(0, n), pcm, out int samples));
            Assert.Equal(enc.FrameSamples, samples);
            output.AddRange(pcm.AsSpan(0, samples));
        }

        return (packets, [.. output]);
    }

    /// <summary>
    /// Normalised cross-correlation of b against a at the lag (0..maxLag, the codec delay) that
    /// fits best on the first second, so the search stays cheap.
    /// </summary>
    internal static double Similarity(ReadOnlySpan<short> a, ReadOnlySpan<short> b, int maxLag = 700)
    {
        int n = Math.Min(a.Length, b.Length) - maxLag;
        int searchLength = Math.Min(n, AudioFormat.SampleRate);
        int bestLag = 0;
        double best = double.MinValue;
        for (int lag = 0; lag <= maxLag; lag++)
        {
            double score = Correlation(a[..searchLength], b.Slice(lag, searchLength));
            if (score > best)
            {
                best = score;
                bestLag = lag;
            }
        }

        return Correlation(a[..n], b.Slice(bestLag, n));
    }

    private static double Correlation(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    [Fact]
    public void Native_libopus_is_used_when_installed_and_managed_on_request()
    {
        // test.sh installs libopus0: the fast path must actually be taken on the CI machine.
        using var native = new OpusAudioEncoder();
        using var nativeDec = new OpusAudioDecoder();
        Assert.Equal(OpusImplementation.Native, native.Implementation);
        Assert.Equal(OpusImplementation.Native, nativeDec.Implementation);
        Assert.Contains("libopus", native.Version, StringComparison.OrdinalIgnoreCase);

        using var managed = new OpusAudioEncoder(new OpusEncoderSettings { Preference = OpusCodecPreference.Managed });
        using var managedDec = new OpusAudioDecoder(OpusCodecPreference.Managed);
        Assert.Equal(OpusImplementation.Managed, managed.Implementation);
        Assert.Equal(OpusImplementation.Managed, managedDec.Implementation);
    }

    [Theory]
    [InlineData(OpusCodecPreference.Auto)]
    [InlineData(OpusCodecPreference.Managed)]
    public void Speech_survives_the_codec(OpusCodecPreference preference)
    {
        short[] input = Speech(3);
        var (packets, decoded) = RoundTrip(input, new OpusEncoderSettings { Bitrate = 32_000, Preference = preference }, preference);
        Assert.Equal(150, packets.Count);
        // Opus keeps voiced speech close to the waveform and fricative noise only in spectrum.
        double similarity = Similarity(input, decoded);
        Assert.True(similarity > 0.7, $"similarity {similarity}");
        double levelDb = 20 * Math.Log10(OpusCodecTestsHelpers.Rms(decoded) / OpusCodecTestsHelpers.Rms(input));
        Assert.InRange(levelDb, -1.5, 1.5);
        double bitrate = packets.Sum(p => p.Length) * 8 / 3.0;
        Assert.InRange(bitrate, 16_000, 40_000);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public void Every_frame_duration_encodes_and_reports_its_length(int ms)
    {
        short[] input = Speech(1);
        var (packets, decoded) = RoundTrip(input, new OpusEncoderSettings { FrameMilliseconds = ms });
        Assert.Equal(1000 / ms, packets.Count);
        Assert.All(packets, p => Assert.True(OpusPacket.TryGetSamples(p, out int s) && s == ms * 48));
        Assert.Equal(input.Length / (ms * 48) * ms * 48, decoded.Length);
    }

    [Fact]
    public void Bitrate_changes_take_effect_between_frames()
    {
        using var enc = new OpusAudioEncoder(new OpusEncoderSettings { Bitrate = 12_000 });
        short[] input = Speech(4);
        byte[] packet = new byte[OpusAudioEncoder.MaxPacketBytes];
        long low = 0, high = 0;
        for (int f = 0; f < 200; f++)
        {
            if (f == 100)
            {
                enc.Bitrate = 48_000;
            }

            int n = enc.Encode(input.AsSpan(f * 960, 960), packet);
            if (f < 100)
            {
                low += n;
            }
            else
            {
                high += n;
            }
        }

        Assert.True(high > 2.5 * low, $"{low} bytes at 12 kbit/s vs {high} at 48 kbit/s");
        Assert.Throws<ArgumentOutOfRangeException>(() => enc.Bitrate = 5_000);
        Assert.Throws<ArgumentOutOfRangeException>(() => enc.Bitrate = 65_000);
        Assert.Throws<ArgumentOutOfRangeException>(() => enc.FrameMilliseconds = 30);
        Assert.Throws<ArgumentException>(() => enc.Encode(new short[100], packet));
    }

    [Fact]
    public void Dtx_makes_silence_nearly_free()
    {
        using var enc = new OpusAudioEncoder(new OpusEncoderSettings { UseDtx = true });
        byte[] packet = new byte[OpusAudioEncoder.MaxPacketBytes];
        short[] silence = new short[960];
        int small = 0;
        for (int f = 0; f < 100; f++)
        {
            small += enc.Encode(silence, packet) <= 2 ? 1 : 0;
        }

        Assert.True(small > 80, $"{small} of 100 silent frames were DTX frames");
    }

    [Fact]
    public void Fec_rebuilds_a_lost_frame_better_than_concealment()
    {
        short[] input = Speech(4, seed: 11);
        using var enc = new OpusAudioEncoder(new OpusEncoderSettings { Bitrate = 32_000, UseInbandFec = true, PacketLossPercent = 20 });
        var packets = new List<byte[]>();
        byte[] buf = new byte[OpusAudioEncoder.MaxPacketBytes];
        for (int f = 0; f < 200; f++)
        {
            int n = enc.Encode(input.AsSpan(f * 960, 960), buf);
            packets.Add(buf[..n]);
        }

        double fecScore = 0, plcScore = 0;
        int compared = 0;
        short[] pcm = new short[960];
        foreach (int lost in new[] { 40, 73, 101, 140, 177 })
        {
            using var withFec = new OpusAudioDecoder();
            using var withPlc = new OpusAudioDecoder();
            short[] reference = new short[960];
            for (int f = 0; f < lost; f++)
            {
                withFec.TryDecode(packets[f], pcm, out _);
                withPlc.TryDecode(packets[f], pcm, out _);
            }

            // What a decoder that got every packet produces for the lost frame is the reference.
            using (var full = new OpusAudioDecoder())
            {
                for (int f = 0; f <= lost; f++)
                {
                    full.TryDecode(packets[f], reference, out _);
                }
            }

            short[] fec = new short[960], plc = new short[960];
            Assert.Equal(OpusDecodeResult.Ok, withFec.TryDecodeFec(packets[lost + 1], fec, 960, out int fecSamples));
            Assert.Equal(960, fecSamples);
            Assert.Equal(960, withPlc.Conceal(plc, 960));
            if (OpusCodecTestsHelpers.Energy(reference) < 1e6)
            {
                continue; // a pause: nothing to compare
            }

            fecScore += Similarity(reference, fec, maxLag: 0);
            plcScore += Similarity(reference, plc, maxLag: 0);
            compared++;
        }

        Assert.True(compared >= 2);
        Assert.True(fecScore / compared > plcScore / compared + 0.1, $"FEC {fecScore / compared:F2} vs PLC {plcScore / compared:F2}");
    }

    [Fact]
    public void Garbage_is_a_result_never_an_exception()
    {
        using var native = new OpusAudioDecoder();
        using var managed = new OpusAudioDecoder(OpusCodecPreference.Managed);
        short[] pcm = new short[OpusPacket.MaxSamples];
        Assert.Equal(OpusDecodeResult.Malformed, native.TryDecode([], pcm, out _));
        Assert.Equal(OpusDecodeResult.Malformed, native.TryDecode([0x01, 1, 2, 3], pcm, out _)); // code 1 with an odd length
        Assert.Equal(OpusDecodeResult.Malformed, native.TryDecode([0x03, 0x00], pcm, out _));    // code 3 with 0 frames
        Assert.Equal(OpusDecodeResult.Malformed, native.TryDecode([0x1B, 0x03], pcm, out _));    // 3 x 60 ms > 120 ms
        Assert.Equal(OpusDecodeResult.BufferTooSmall, native.TryDecode([0x08, 0, 0], new short[10], out _));
        var random = new Random(5);
        byte[] junk = new byte[200];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(junk);
            int len = random.Next(1, junk.Length);
            _ = native.TryDecode(junk.AsSpan(0, len), pcm, out _);
            _ = managed.TryDecode(junk.AsSpan(0, len), pcm, out _);
        }

        // A good packet right after garbage still decodes.
        using var enc = new OpusAudioEncoder();
        byte[] good = new byte[OpusAudioEncoder.MaxPacketBytes];
        int n = enc.Encode(Speech(1).AsSpan(0, 960), good);
        Assert.Equal(OpusDecodeResult.Ok, native.TryDecode(good.AsSpan(0, n), pcm, out int s1));
        Assert.Equal(OpusDecodeResult.Ok, managed.TryDecode(good.AsSpan(0, n), pcm, out int s2));
        Assert.Equal(960, s1);
        Assert.Equal(960, s2);
    }

    [Property(MaxTest = 300)]
    public Property Packet_parser_agrees_with_libopus_on_random_packets()
    {
        // Whatever our framing check accepts, libopus must decode to exactly that many samples.
        var gen = from toc in ArbMap.Default.GeneratorFor<byte>()
                  from body in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
                  select (byte[])[toc, .. body];
        return Prop.ForAll(gen.ToArbitrary(), packet =>
        {
            using var dec = new OpusAudioDecoder();
            short[] pcm = new short[OpusPacket.MaxSamples];
            if (!OpusPacket.TryGetSamples(packet, out int expected))
            {
                return true;
            }

            OpusDecodeResult r = dec.TryDecode(packet, pcm, out int samples);
            return r == OpusDecodeResult.Corrupt || (r == OpusDecodeResult.Ok && samples == expected);
        });
    }
}

internal static class OpusCodecTestsHelpers
{
    public static double Rms(ReadOnlySpan<short> x) => Math.Sqrt(Energy(x) / Math.Max(1, x.Length));

    public static double Energy(ReadOnlySpan<short> x)
    {
        double e = 0;
        foreach (short s in x)
        {
            e += (double)s * s;
        }

        return e;
    }
}
