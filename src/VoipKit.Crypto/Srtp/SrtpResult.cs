namespace VoipKit.Crypto;

/// <summary>
/// Outcome of protecting or unprotecting one SRTP or SRTCP packet. Everything except
/// <see cref="Ok"/> means the packet was dropped; <see cref="SrtpContext"/> counts each outcome.
/// </summary>
public enum SrtpResult
{
    /// <summary>The packet was protected or unprotected.</summary>
    Ok = 0,

    /// <summary>Shorter than an RTP/RTCP header plus the authentication tag (and SRTCP index).</summary>
    PacketTooShort,

    /// <summary>The version field is not 2.</summary>
    BadVersion,

    /// <summary>The CSRC list or the header extension runs past the end of the packet.</summary>
    MalformedHeader,

    /// <summary>The padding count is zero or longer than the payload.</summary>
    MalformedPadding,

    /// <summary>The authentication tag does not match: forged, corrupted, or the wrong key.</summary>
    AuthenticationFailed,

    /// <summary>A packet with this index was already received (inside the replay window).</summary>
    Replayed,

    /// <summary>The packet is older than the replay window, so it cannot be checked for replay.</summary>
    TooOld,

    /// <summary>The caller's buffer has no room for the authentication tag (and SRTCP index).</summary>
    BufferTooSmall,

    /// <summary>A new SSRC arrived but the context already tracks its maximum number of streams.</summary>
    TooManyStreams,

    /// <summary>The packet index space of the stream is used up: the keys must be renewed.</summary>
    IndexExhausted,
}
