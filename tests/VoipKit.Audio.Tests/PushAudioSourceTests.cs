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
}
