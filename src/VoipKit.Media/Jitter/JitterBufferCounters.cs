namespace VoipKit.Media.Jitter;

/// <summary>The jitter buffer's running counts, turned into <see cref="JitterBufferStatistics"/> on demand.</summary>
internal struct JitterBufferCounters
{
    public long Received, Lost, Discarded, Late, Duplicates, Malformed, Emitted, Played, Concealed, SilentConcealed,
        ConcealmentEvents, Inserted, Removed, Fec, ComfortNoise, NonAudioSilence, Resyncs, Interruptions;

    public TimeSpan DelaySum, TargetSum;

    public readonly JitterBufferStatistics Snapshot(TimeSpan target) => new()
    {
        PacketsReceived = Received,
        PacketsLost = Lost,
        PacketsDiscarded = Discarded,
        LatePackets = Late,
        DuplicatePackets = Duplicates,
        MalformedPackets = Malformed,
        JitterBufferDelay = DelaySum,
        JitterBufferEmittedCount = Emitted,
        JitterBufferTargetDelay = TargetSum,
        CurrentTargetDelay = target,
        TotalSamplesPlayed = Played,
        ConcealedSamples = Concealed,
        SilentConcealedSamples = SilentConcealed,
        ConcealmentEvents = ConcealmentEvents,
        InsertedSamplesForDeceleration = Inserted,
        RemovedSamplesForAcceleration = Removed,
        FecPacketsReceived = Fec,
        ComfortNoiseSamples = ComfortNoise,
        NonAudioSilenceSamples = NonAudioSilence,
        Resynchronizations = Resyncs,
        InterruptionCount = Interruptions,
    };
}
