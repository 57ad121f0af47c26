namespace VoipKit.Signaling.Sdp;

/// <summary>The outcome of offer/answer for the call's audio stream: what the media layer needs to set up RTP/SRTP.</summary>
public sealed class NegotiatedAudio
{
    /// <summary>The index of the audio m-line in the offer and the answer.</summary>
    public int MediaIndex { get; init; }

    /// <summary>The chosen codec under the payload type of the offer.</summary>
    public required RtpMap Codec { get; init; }

    /// <summary>The peer's format parameters for <see cref="Codec"/> (what it wants to receive), or null.</summary>
    public Fmtp? RemoteFormatParameters { get; init; }

    /// <summary>The peer's Opus parameters when the codec is Opus, else null.</summary>
    public OpusParameters? RemoteOpus { get; init; }

    /// <summary>The RFC 4733 telephone-event entry matching the codec's clock rate, or null when DTMF events were not negotiated.</summary>
    public RtpMap? TelephoneEvent { get; init; }

    /// <summary>The peer's <c>a=ptime</c>, or null.</summary>
    public int? RemotePtime { get; init; }

    /// <summary>The security both sides agreed on.</summary>
    public SdpSecurity Security { get; init; }

    /// <summary>The SDES suite when <see cref="Security"/> is <see cref="SdpSecurity.SdesSrtp"/>, else null.</summary>
    public string? SrtpSuite { get; init; }

    /// <summary>This endpoint's SDES line (its sending key); a secret the caller clears after use. Null unless SDES.</summary>
    public SdesCrypto? LocalCrypto { get; init; }

    /// <summary>The peer's SDES line (its sending key); a secret. Null unless SDES.</summary>
    public SdesCrypto? RemoteCrypto { get; init; }

    /// <summary>The peer's DTLS certificate fingerprints (to verify its certificate), empty unless DTLS-SRTP.</summary>
    public IReadOnlyList<Fingerprint> RemoteFingerprints { get; init; } = [];

    /// <summary>This endpoint's DTLS role (<see cref="DtlsSetupRole.Active"/> starts the handshake), null unless DTLS-SRTP.</summary>
    public DtlsSetupRole? LocalSetup { get; init; }

    /// <summary>The peer's RTP address (from c=).</summary>
    public required string RemoteAddress { get; init; }

    /// <summary>The peer's RTP port.</summary>
    public int RemotePort { get; init; }

    /// <summary>The peer's RTCP port (the RTP port when multiplexed; a=rtcp, else RTP port + 1).</summary>
    public int RemoteRtcpPort { get; init; }

    /// <summary>Whether RTP and RTCP share the port (both sides announced rtcp-mux).</summary>
    public bool RtcpMux { get; init; }

    /// <summary>What this endpoint does on the stream after negotiation.</summary>
    public MediaDirection LocalDirection { get; init; }

    /// <summary>What the peer said it does (its effective direction attribute).</summary>
    public MediaDirection RemoteDirection { get; init; }

    /// <summary>Whether the peer put this endpoint on hold (sendonly or inactive, or the RFC 2543 address 0.0.0.0).</summary>
    public bool RemoteHold { get; init; }

    /// <summary>The peer's ICE username fragment, or null when it does not do ICE.</summary>
    public string? RemoteIceUfrag { get; init; }

    /// <summary>The peer's ICE password, or null.</summary>
    public string? RemoteIcePwd { get; init; }

    /// <summary>Whether the peer is ICE-lite.</summary>
    public bool RemoteIceLite { get; init; }

    /// <summary>The peer's ICE candidates in the description.</summary>
    public IReadOnlyList<IceCandidate> RemoteCandidates { get; init; } = [];
}
