namespace VoipKit.Signaling.Sdp;

/// <summary>An <c>a=rtpmap:</c> attribute (RFC 8866 section 6.6), for example <c>a=rtpmap:111 opus/48000/2</c>.</summary>
public sealed record RtpMap
{
    /// <summary>The RTP payload type, 0–127.</summary>
    public int PayloadType { get; init; }

    /// <summary>The encoding name as written (<c>opus</c>, <c>PCMU</c>, <c>telephone-event</c>); compared case-insensitively.</summary>
    public required string EncodingName { get; init; }

    /// <summary>The RTP clock rate in Hz (48000 for Opus whatever its audio bandwidth, RFC 7587).</summary>
    public uint ClockRate { get; init; }

    /// <summary>The encoding parameters: the channel count for audio (2 for Opus per RFC 7587), or null when absent.</summary>
    public int? Channels { get; init; }

    /// <summary>True when the encoding name equals <paramref name="name"/> ignoring case.</summary>
    /// <param name="name">An encoding name such as <c>opus</c>.</param>
    /// <returns>Whether the names match.</returns>
    public bool Is(string name) => string.Equals(EncodingName, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The attribute value as written after <c>a=rtpmap:</c>.</summary>
    /// <returns>For example <c>111 opus/48000/2</c>.</returns>
    public override string ToString() => Channels is int c
        ? FormattableString.Invariant($"{PayloadType} {EncodingName}/{ClockRate}/{c}")
        : FormattableString.Invariant($"{PayloadType} {EncodingName}/{ClockRate}");
}
