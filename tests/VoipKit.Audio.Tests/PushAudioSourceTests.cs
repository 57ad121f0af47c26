namespace VoipKit.Audio.Tests;

public class PushAudioSourceTests
{
    [Fact]
    public async Task Device_chunks_become_whole_frames_in_order()
    {
        await using var source = new PushAudioSource();
        await source.StartAsync();
        short[] frame = new short[960];
        ValueTask<int> pending = source.ReadAsync(frame);
        Assert.False(pending.IsCompleted);

        // A device delivering 441-sample chunks (10 ms at 44.1k-ish sizes) from another thread.
        await Task.Run(() =>
        {
            short next = 0;
            for (int c = 0; c < 5; c++)
            {
                short[] chunk = new short[441];
                for (int i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = next++;
                }

                source.Push(chunk);
            }
        });

        Assert.Equal(960, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(Enumerable.Range(0, 960).Select(i => (short)i), frame);
        Assert.Equal(960, await source.ReadAsync(frame));
        Assert.Equal((short)960, frame[0]);
        Assert.Equal(5 * 441 - 1920, source.Queued);
    }

    [Fact]
    public async Task A_slow_reader_drops_the_oldest_audio_and_counts_it()
    {
        await using var source = new PushAudioSource(TimeSpan.FromMilliseconds(40));
        await source.StartAsync();
        for (short i = 0; i < 3; i++)
        {
            short[] f = new short[960];
            Array.Fill(f, i);
            source.Push(f);
        }

        Assert.Equal(960, source.DroppedSamples);
        short[] frame = new short[960];
        await source.ReadAsync(frame);
        Assert.All(frame, v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task Cancel_and_stop_end_a_waiting_read()
    {
        await using var source = new PushAudioSource();
        await source.StartAsync();
        using var cts = new CancellationTokenSource();
        ValueTask<int> read = source.ReadAsync(new short[960], cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);

        source.Push(new short[100]);
        ValueTask<int> second = source.ReadAsync(new short[960]);
        await source.StopAsync();
        Assert.Equal(100, await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await source.ReadAsync(new short[960]));
    }

    [Fact]
    public async Task Misuse_is_reported()
    {
        await using var source = new PushAudioSource(TimeSpan.FromMilliseconds(20));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await source.ReadAsync(new short[960]));
        await source.StartAsync();
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.ReadAsync(new short[961]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PushAudioSource(TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task A_16_kHz_device_is_resampled_to_48_kHz_keeping_its_tone()
    {
        await using var source = new PushAudioSource(16_000, TimeSpan.FromSeconds(1));
        await source.StartAsync();
        short[] chunk = new short[160]; // 10 ms at 16 kHz
        for (int i = 0; i < 50; i++)
        {
            ToneSource.Fill(chunk, 1000, 16_000, 0.5, i * 160L);
            source.Push(chunk);
        }

        Assert.Equal(16_000, source.InputSampleRate);
        Assert.InRange(source.Queued, 23_000, 24_000); // 0.5 s at 48 kHz, less the resampler's latency
        short[] frames = new short[960 * 20];
        Assert.Equal(frames.Length, await source.ReadAsync(frames));
        double best = 0, bestPower = -1;
        foreach (double f in (double[])[500, 1000, 2000, 3000])
        {
            double w = 2 * Math.PI * f / 48_000, c = 2 * Math.Cos(w), s1 = 0, s2 = 0;
            foreach (short x in frames.AsSpan(4800))
            {
                double s0 = x + (c * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            double power = (s1 * s1) + (s2 * s2) - (c * s1 * s2);
            (best, bestPower) = power > bestPower ? (f, power) : (best, bestPower);
        }

        Assert.Equal(1000, best);
    }
}
