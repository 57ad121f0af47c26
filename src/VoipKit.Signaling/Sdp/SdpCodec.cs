namespace VoipKit.Signaling.Sdp;

/// <summary>A codec VoipKit can use, as SDP names it, with the payload type VoipKit offers it under.</summary>
public sealed record SdpCodec
{
    /// <summary>Opus (RFC 7587): always <c>opus/48000/2</c> in SDP whatever the actual channel count.</summary>
    public static SdpCodec Opus { get; } = new() { EncodingName = "opus", ClockRate = 48000, Channels = 2, PayloadType = 111 };

    /// <summary>G.711 µ-law, static payload type 0.</summary>
    public static SdpCodec Pcmu { get; } = new() { EncodingName = "PCMU", ClockRate = 8000, PayloadType = 0 };

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static SdpCodec Pcma { get; } = new() { EncodingName = "PCMA", ClockRate = 8000, PayloadType = 8 };

    /// <summary>RFC 4733 DTMF events at 48 kHz, to go with Opus.</summary>
    public static SdpCodec TelephoneEvent48000 { get; } = new() { EncodingName = "telephone-event", ClockRate = 48000, PayloadType = 110 };

    /// <summary>RFC 4733 DTMF events at 8 kHz, to go with G.711.</summary>
    public static SdpCodec TelephoneEvent8000 { get; } = new() { EncodingName = "telephone-event", ClockRate = 8000, PayloadType = 101 };

    /// <summary>VoipKit's default codec list, in preference order.</summary>
    public static IReadOnlyList<SdpCodec> Defaults { get; } = [Opus, Pcmu, Pcma, TelephoneEvent48000, TelephoneEvent8000];

    /// <summary>The encoding name.</summary>
    public required string EncodingName { get; init; }

    /// <summary>The RTP clock rate.</summary>
    public uint ClockRate { get; init; }

    /// <summary>The channel count written in the rtpmap, or null.</summary>
    public int? Channels { get; init; }

    /// <summary>The payload type VoipKit uses when it makes the offer (static for G.711, dynamic otherwise).</summary>
    public int PayloadType { get; init; }

    /// <summary>Whether this is an RFC 4733 telephone-event entry rather than an audio codec.</summary>
    public bool IsTelephoneEvent => string.Equals(EncodingName, "telephone-event", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether an offered rtpmap denotes this codec (name ignoring case and clock rate; Opus ignores the channel count).</summary>
    /// <param name="map">The rtpmap.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(RtpMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Is(EncodingName) && map.ClockRate == ClockRate
            && (map.Is("opus") || map.Channels is null || map.Channels == (Channels ?? 1));
    }

    /// <summary>The rtpmap of this codec under a payload type.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <returns>The rtpmap.</returns>
    public RtpMap ToRtpMap(int payloadType) => new() { PayloadType = payloadType, EncodingName = EncodingName, ClockRate = ClockRate, Channels = Channels };
}
