using System.Buffers;

namespace VoipKit.Audio;

/// <summary>
/// A sample buffer rented from the shared array pool: rent one per stream, reuse it for
/// every frame, dispose it at the end. Nothing is allocated per frame.
/// </summary>
public sealed class AudioBuffer : IDisposable
{
    private short[]? _array;

    private AudioBuffer(int length)
    {
        _array = ArrayPool<short>.Shared.Rent(length);
        Length = length;
    }

    /// <summary>Rents a buffer of <paramref name="length"/> samples (by default one 20 ms frame).</summary>
    /// <param name="length">The number of samples, at least 1.</param>
    /// <returns>A buffer; its samples are not cleared.</returns>
    public static AudioBuffer Rent(int length = AudioFormat.SamplesPerFrame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return new AudioBuffer(length);
    }

    /// <summary>The number of usable samples.</summary>
    public int Length { get; }

    /// <summary>The samples as a span.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned.</exception>
    public Span<short> Span => Array.AsSpan(0, Length);

    /// <summary>The samples as memory, for asynchronous reads and writes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned.</exception>
    public Memory<short> Memory => Array.AsMemory(0, Length);

    /// <summary>Makes a frame view over the first <paramref name="count"/> samples.</summary>
    /// <param name="count">How many samples the frame holds.</param>
    /// <param name="timestamp">The frame's position in samples.</param>
    /// <returns>A frame that shares this buffer's memory.</returns>
    public AudioFrame AsFrame(int count, long timestamp) => new(Memory[..count], timestamp);

    private short[] Array => _array ?? throw new ObjectDisposedException(nameof(AudioBuffer));

    /// <summary>Returns the array to the pool; the buffer must not be used afterwards.</summary>
    public void Dispose()
    {
        short[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<short>.Shared.Return(array);
        }
    }
}
