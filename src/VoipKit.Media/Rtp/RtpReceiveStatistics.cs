namespace VoipKit.Media.Rtp;

/// <summary>A snapshot of reception statistics for the remote source (RFC 3550 appendix A).</summary>
/// <param name="Ssrc">The remote source.</param>
/// <param name="ExtendedHighestSequence">Cycles (high 16 bits) and highest sequence number received.</param>
/// <param name="PacketsExpected">Packets expected since the base sequence number (A.3).</param>
/// <param name="PacketsReceived">Packets received, duplicates included (A.3).</param>
/// <param name="CumulativeLost">Expected minus received; negative with duplicates; not clamped to 24 bits.</param>
/// <param name="Jitter">Interarrival jitter in RTP timestamp units (A.8).</param>
/// <param name="JitterTime">The jitter as time, from the clock rate.</param>
/// <param name="PacketsDropped">Packets dropped for any reason (invalid, unknown SSRC, probation...).</param>
public readonly record struct RtpReceiveStatistics(
    uint Ssrc,
    uint ExtendedHighestSequence,
    long PacketsExpected,
    long PacketsReceived,
    long CumulativeLost,
    uint Jitter,
    TimeSpan JitterTime,
    long PacketsDropped);
