namespace VoipKit.Media.Rtp;

/// <summary>
/// What <see cref="RtpReceiver.Receive(ReadOnlySpan{byte}, long, out RtpPacket)"/> did with a packet:
/// accepted, or dropped and why. Every outcome is counted (<see cref="RtpReceiver.GetCount"/>).
/// </summary>
public enum RtpReceiveResult
{
    /// <summary>Accepted from the current remote source.</summary>
    Accepted = 0,

    /// <summary>Accepted, and the first from a new remote source: reset what depends on the old stream (jitter buffer, decoder).</summary>
    NewSource,

    /// <summary>Dropped: shorter than an RTP header.</summary>
    TooShort,

    /// <summary>Dropped: RTP version not 2.</summary>
    BadVersion,

    /// <summary>Dropped: the CSRC list runs past the end.</summary>
    CsrcOverrun,

    /// <summary>Dropped: the header extension runs past the end.</summary>
    ExtensionOverrun,

    /// <summary>Dropped: an RFC 8285 extension element runs past its block.</summary>
    MalformedExtension,

    /// <summary>Dropped: invalid padding count.</summary>
    BadPadding,

    /// <summary>Dropped: from an SSRC that is not the remote source (and has not replaced it).</summary>
    UnknownSsrc,

    /// <summary>Dropped: the remote uses our own SSRC; choose a new one (<see cref="RtpReceiver.ChangeLocalSsrc"/>) and send BYE for the old.</summary>
    SsrcCollision,

    /// <summary>Dropped: the source is still in probation (RFC 3550 A.1: packets in sequence needed first).</summary>
    Probation,

    /// <summary>Dropped: a sequence jump too large to trust until the next packet confirms it (RFC 3550 A.1).</summary>
    SequenceDiscontinuity,
}
