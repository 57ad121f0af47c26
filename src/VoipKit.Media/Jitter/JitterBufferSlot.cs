namespace VoipKit.Media.Jitter;

/// <summary>One packet position in the jitter buffer's ring: the encoded frame and where it belongs.</summary>
internal sealed class JitterBufferSlot(int capacity)
{
    public readonly byte[] Payload = new byte[capacity];
    public bool Occupied;
    public bool NonAudio; // a sequence number the sender used for something else than audio (an RFC 4733 telephone-event)
    public long Sequence;
    public long Timestamp;
    public int Length;
    public int Samples;
    public long ArrivalTicks;

    public void Store(long sequence, long timestamp, ReadOnlySpan<byte> payload, int samples, TimeSpan arrival)
    {
        payload.CopyTo(Payload);
        Occupied = true;
        NonAudio = false;
        Sequence = sequence;
        Timestamp = timestamp;
        Length = payload.Length;
        Samples = samples;
        ArrivalTicks = arrival.Ticks;
    }

    public void StoreNonAudio(long sequence, long timestamp, int samples, TimeSpan arrival)
    {
        Occupied = true;
        NonAudio = true;
        Sequence = sequence;
        Timestamp = timestamp;
        Length = 0;
        Samples = samples; // the media time it accounts for (a telephone-event's duration): for the buffer's level only
        ArrivalTicks = arrival.Ticks;
    }
}
