using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace VoipKit.Audio.Tests;

public class WavPropertyTests
{
    [Property(MaxTest = 100)]
    public bool Any_samples_round_trip_through_a_48k_file(short[] samples, bool stereo)
    {
        var ms = new MemoryStream();
        var sink = new WavFileSink(ms, new WavFileSinkOptions { Channels = stereo ? 2 : 1 }, leaveOpen: true);
        sink.StartAsync().AsTask().Wait();
        sink.WriteAsync(samples).AsTask().Wait();
        sink.DisposeAsync().AsTask().Wait();

        ms.Position = 0;
        var source = new WavFileSource(ms);
        short[] back = TestWav.ReadAllAsync(source, chunk: 97).Result;
        return back.SequenceEqual(samples);
    }

    [Property(MaxTest = 300)]
    public Property Random_bytes_after_a_RIFF_header_never_fail_untyped()
    {
        var gen = from tail in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
                  from keepFmt in ArbMap.Default.GeneratorFor<bool>()
                  select keepFmt
                      ? [.. TestWav.Pcm16(16_000, 1, new short[4])[..20], .. tail]
                      : (byte[])[.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8, .. tail];
        return Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            try
            {
                var source = new WavFileSource(new MemoryStream(bytes));
                _ = TestWav.ReadAllAsync(source).Result;
                return true;
            }
            catch (AggregateException e) when (e.InnerException is WavFormatException)
            {
                return true;
            }
            catch (WavFormatException)
            {
                return true;
            }
        });
    }

    [Property(MaxTest = 200)]
    public bool Mutated_valid_files_never_fail_untyped(PositiveInt position, byte value)
    {
        byte[] file = TestWav.Pcm16(16_000, 2, new short[64]);
        file[position.Get % file.Length] = value;
        try
        {
            var source = new WavFileSource(new MemoryStream(file));
            _ = TestWav.ReadAllAsync(source).Result;
        }
        catch (AggregateException e) when (e.InnerException is WavFormatException)
        {
        }

        return true;
    }
}
