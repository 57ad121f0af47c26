namespace VoipKit.Media.Rtp;

/// <summary>Settings of an <see cref="RtpReceiver"/> for one 1:1 audio stream.</summary>
public sealed record RtpReceiverOptions
{
    /// <summary>Our own SSRC: a remote packet carrying it is a collision (RFC 3550 8.2).</summary>
    public required uint LocalSsrc { get; init; }

    /// <summary>The RTP clock rate of the stream (48000 for Opus).</summary>
    public int ClockRate { get; init; } = 48000;

    /// <summary>The remote SSRC if signaled (SDP a=ssrc); otherwise the first source to pass probation is taken.</summary>
    public uint? RemoteSsrc { get; init; }

    /// <summary>Packets in sequence a new source needs before it is accepted (RFC 3550 A.1 MIN_SEQUENTIAL).</summary>
    public int MinSequential { get; init; } = 2;

    /// <summary>
    /// Packets in sequence from another SSRC, with none from the current one in between, after which
    /// the remote is taken to have changed SSRC (after a BYE from the current one, <see cref="MinSequential"/> is enough).
    /// </summary>
    public int SourceChangePackets { get; init; } = 5;
}
