using VoipKit.Media.Jitter;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

/// <summary>
/// What this side received from the peer, as WebRTC's getStats reports it in an
/// <c>inbound-rtp</c> entry (W3C webrtc-stats, RTCInboundRtpStreamStats): RTP reception per
/// RFC 3550 and the jitter buffer's playout. Times are <see cref="TimeSpan"/>s where the W3C
/// dictionary has seconds; sample counts are at 48 kHz.
/// </summary>
public sealed record InboundRtpStatistics
{
    /// <summary>The remote stream's SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>RTP packets received, duplicates included (<c>packetsReceived</c>, RFC 3550 A.3).</summary>
    public required long PacketsReceived { get; init; }

    /// <summary>Packets expected minus packets received (<c>packetsLost</c>, RFC 3550 cumulative loss; negative with duplicates).</summary>
    public required long PacketsLost { get; init; }

    /// <summary>Packets the jitter buffer threw away: too late, duplicates, too far ahead, malformed (<c>packetsDiscarded</c>).</summary>
    public required long PacketsDiscarded { get; init; }

    /// <summary>RTP payload bytes received (<c>bytesReceived</c>).</summary>
    public required long BytesReceived { get; init; }

    /// <summary>RTP header and padding bytes received (<c>headerBytesReceived</c>).</summary>
    public required long HeaderBytesReceived { get; init; }

    /// <summary>Interarrival jitter (<c>jitter</c>, RFC 3550 A.8).</summary>
    public required TimeSpan Jitter { get; init; }

    /// <summary>The sum over emitted samples of the time each spent in the jitter buffer (<c>jitterBufferDelay</c>).</summary>
    public required TimeSpan JitterBufferDelay { get; init; }

    /// <summary>Samples emitted from received packets (<c>jitterBufferEmittedCount</c>); <see cref="JitterBufferDelay"/> divided by it is the mean buffer delay.</summary>
    public required long JitterBufferEmittedCount { get; init; }

    /// <summary>The sum over emitted samples of the target delay at the time (<c>jitterBufferTargetDelay</c>).</summary>
    public required TimeSpan JitterBufferTargetDelay { get; init; }

    /// <summary>Samples played out in total, concealment included (<c>totalSamplesReceived</c>).</summary>
    public required long TotalSamplesReceived { get; init; }

    /// <summary>Samples made up to hide lost or late packets (<c>concealedSamples</c>).</summary>
    public required long ConcealedSamples { get; init; }

    /// <summary>Concealed samples that were silence (<c>silentConcealedSamples</c>).</summary>
    public required long SilentConcealedSamples { get; init; }

    /// <summary>Runs of concealment (<c>concealmentEvents</c>).</summary>
    public required long ConcealmentEvents { get; init; }

    /// <summary>Samples added by time-stretching to slow playout down (<c>insertedSamplesForDeceleration</c>).</summary>
    public required long InsertedSamplesForDeceleration { get; init; }

    /// <summary>Samples removed by time-stretching to speed playout up (<c>removedSamplesForAcceleration</c>).</summary>
    public required long RemovedSamplesForAcceleration { get; init; }

    /// <summary>Lost packets rebuilt from the next packet's in-band FEC (<c>fecPacketsReceived</c>).</summary>
    public required long FecPacketsReceived { get; init; }

    /// <summary>The mean time a played sample spent in the jitter buffer.</summary>
    public TimeSpan MeanJitterBufferDelay => JitterBufferEmittedCount == 0 ? TimeSpan.Zero : JitterBufferDelay / JitterBufferEmittedCount;

    internal static InboundRtpStatistics From(RtpReceiveStatistics rtp, JitterBufferStatistics jb, long payloadBytes, long headerBytes) => new()
    {
        Ssrc = rtp.Ssrc,
        PacketsReceived = rtp.PacketsReceived,
        PacketsLost = rtp.CumulativeLost,
        PacketsDiscarded = jb.PacketsDiscarded,
        BytesReceived = payloadBytes,
        HeaderBytesReceived = headerBytes,
        Jitter = rtp.JitterTime,
        JitterBufferDelay = jb.JitterBufferDelay,
        JitterBufferEmittedCount = jb.JitterBufferEmittedCount,
        JitterBufferTargetDelay = jb.JitterBufferTargetDelay,
        TotalSamplesReceived = jb.TotalSamplesPlayed,
        ConcealedSamples = jb.ConcealedSamples,
        SilentConcealedSamples = jb.SilentConcealedSamples,
        ConcealmentEvents = jb.ConcealmentEvents,
        InsertedSamplesForDeceleration = jb.InsertedSamplesForDeceleration,
        RemovedSamplesForAcceleration = jb.RemovedSamplesForAcceleration,
        FecPacketsReceived = jb.FecPacketsReceived,
    };
}
