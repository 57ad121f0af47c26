namespace VoipKit.Media.Rtcp;

/// <summary>Outcome of reading an RTCP compound packet or one RTCP packet's body.</summary>
public enum RtcpReadResult
{
    /// <summary>Well formed.</summary>
    Ok = 0,

    /// <summary>Shorter than a 4-byte RTCP header (or empty).</summary>
    TooShort,

    /// <summary>The version field is not 2.</summary>
    BadVersion,

    /// <summary>A packet's length field runs past the end of the datagram.</summary>
    LengthOverrun,

    /// <summary>The padding count is zero or runs into the header.</summary>
    BadPadding,

    /// <summary>The padding bit is set on a packet that is not the last of the compound (RFC 3550 A.2).</summary>
    PaddingNotLast,

    /// <summary>A full-size compound packet does not start with SR or RR (RFC 3550 A.2; RFC 5506 lifts this).</summary>
    FirstNotReport,

    /// <summary>Not the packet type or feedback format the reader expects.</summary>
    WrongType,

    /// <summary>The count field (report blocks, sources, feedback items) needs more bytes than the packet has.</summary>
    CountOverrun,

    /// <summary>An SDES chunk or item, or a BYE reason, runs past the end of the packet.</summary>
    MalformedItem,

    /// <summary>Feedback control information is inconsistent (packet status chunks or deltas missing).</summary>
    MalformedFeedback,
}
