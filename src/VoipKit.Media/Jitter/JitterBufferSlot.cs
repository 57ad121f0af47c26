namespace VoipKit.Media.Jitter;

/// <summary>One packet position in the jitter buffer's ring: the encoded frame and where it belongs.</summary>
internal sealed class JitterBufferSlot(int capacity)
{
    public readonly byte[] Payload = new byte[capacity];
    public bool Occupied;
    public long Sequence;
    public long Timestamp;
    public int Length;
    public int Samples;
    public long ArrivalTicks;

    public void Store(long sequence, long timestamp, ReadOnlySpan<byte> payload, int samples, TimeSpan arrival)
    {
        payload.CopyTo(Payload);
        Occupied = true;
        Sequence = sequence;
        Timestamp = timestamp;
        Length = payload.Length;
        Samples = samples;
        ArrivalTicks = arrival.Ticks;
    }
}
