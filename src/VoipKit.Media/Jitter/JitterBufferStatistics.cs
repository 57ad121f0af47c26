namespace VoipKit.Media.Jitter;

/// <summary>
/// Counters of a <see cref="JitterBuffer"/>, named after the W3C inbound-rtp statistics
/// (WebRTC getStats) where one exists. Sample counts are at 48 kHz.
/// </summary>
public readonly record struct JitterBufferStatistics
{
    /// <summary>Packets accepted into the buffer (audio, and the non-audio ones given to <see cref="JitterBuffer.InsertNonAudio"/>).</summary>
    public long PacketsReceived { get; init; }

    /// <summary>Packets declared lost at playout (neither received in time nor ever), of either kind: a gap in the sequence numbers.</summary>
    public long PacketsLost { get; init; }

    /// <summary>Packets dropped: late, duplicate, too far ahead or malformed.</summary>
    public long PacketsDiscarded { get; init; }

    /// <summary>Of the discarded packets, those that arrived after their playout time.</summary>
    public long LatePackets { get; init; }

    /// <summary>Of the discarded packets, the duplicates.</summary>
    public long DuplicatePackets { get; init; }

    /// <summary>Of the discarded packets, the malformed ones.</summary>
    public long MalformedPackets { get; init; }

    /// <summary>Sum over emitted decoded samples of the time each spent in the buffer (W3C jitterBufferDelay).</summary>
    public TimeSpan JitterBufferDelay { get; init; }

    /// <summary>Decoded samples emitted (W3C jitterBufferEmittedCount).</summary>
    public long JitterBufferEmittedCount { get; init; }

    /// <summary>Sum over emitted samples of the target delay at the time (W3C jitterBufferTargetDelay).</summary>
    public TimeSpan JitterBufferTargetDelay { get; init; }

    /// <summary>The target delay now.</summary>
    public TimeSpan CurrentTargetDelay { get; init; }

    /// <summary>Samples played in total, of any kind (W3C totalSamplesReceived counts decoded and concealed ones).</summary>
    public long TotalSamplesPlayed { get; init; }

    /// <summary>Samples made up by concealment (W3C concealedSamples).</summary>
    public long ConcealedSamples { get; init; }

    /// <summary>Of the concealed samples, those played as silence after concealment gave up (W3C silentConcealedSamples).</summary>
    public long SilentConcealedSamples { get; init; }

    /// <summary>Runs of consecutive concealment (W3C concealmentEvents).</summary>
    public long ConcealmentEvents { get; init; }

    /// <summary>Samples inserted to slow playout down (W3C insertedSamplesForDeceleration).</summary>
    public long InsertedSamplesForDeceleration { get; init; }

    /// <summary>Samples removed to speed playout up (W3C removedSamplesForAcceleration).</summary>
    public long RemovedSamplesForAcceleration { get; init; }

    /// <summary>Lost frames rebuilt from in-band FEC (W3C fecPacketsReceived, for Opus' in-band FEC).</summary>
    public long FecPacketsReceived { get; init; }

    /// <summary>Samples of comfort noise played during the sender's DTX.</summary>
    public long ComfortNoiseSamples { get; init; }

    /// <summary>
    /// Samples of silence played for media time the sender spent on non-audio packets (RFC 4733
    /// telephone-events, see <see cref="JitterBuffer.InsertNonAudio"/>) instead of audio: neither
    /// concealment nor time-stretching.
    /// </summary>
    public long NonAudioSilenceSamples { get; init; }

    /// <summary>Times the buffer restarted for a new SSRC or a sequence or timestamp jump.</summary>
    public long Resynchronizations { get; init; }

    /// <summary>Concealment runs of 150 ms or more (W3C interruptionCount).</summary>
    public long InterruptionCount { get; init; }

    /// <summary>The mean time a decoded sample spent in the buffer.</summary>
    public TimeSpan MeanDelay => JitterBufferEmittedCount == 0 ? TimeSpan.Zero : JitterBufferDelay / JitterBufferEmittedCount;

    /// <summary>Concealed samples as a fraction of all samples played.</summary>
    public double ConcealmentRatio => TotalSamplesPlayed == 0 ? 0 : (double)ConcealedSamples / TotalSamplesPlayed;
}
