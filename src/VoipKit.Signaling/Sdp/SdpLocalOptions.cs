namespace VoipKit.Signaling.Sdp;

/// <summary>What this endpoint can and wants to do: the input of offer creation and of answering.</summary>
public sealed record SdpLocalOptions
{
    /// <summary>The address written in o= and c= (and where this endpoint receives RTP when ICE is not used).</summary>
    public required string Address { get; init; }

    /// <summary>The local RTP port of the audio stream.</summary>
    public int AudioPort { get; init; }

    /// <summary>The o= session id (keep it for the whole call).</summary>
    public ulong SessionId { get; init; }

    /// <summary>The o= session version: increment it for every new offer or answer in the call (RFC 3264 section 8).</summary>
    public ulong SessionVersion { get; init; }

    /// <summary>The codecs in preference order (telephone-event entries included); defaults to <see cref="SdpCodec.Defaults"/>.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = SdpCodec.Defaults;

    /// <summary>The Opus parameters this endpoint announces (what it wants to receive). Defaults to in-band FEC on.</summary>
    public OpusParameters Opus { get; init; } = new() { UseInbandFec = true };

    /// <summary>The packet time to announce in ms, or null to leave <c>a=ptime</c> out.</summary>
    public int? Ptime { get; init; } = 20;

    /// <summary>The direction this endpoint wants: sendrecv normally, sendonly to put the peer on hold (RFC 3264 section 8.4).</summary>
    public MediaDirection Direction { get; init; } = MediaDirection.SendRecv;

    /// <summary>The account's security policy.</summary>
    public MediaSecurityRequirement Requirement { get; init; } = MediaSecurityRequirement.RequireEncryption;

    /// <summary>Whether this endpoint can key SRTP from the call's end-to-end session (announces <c>a=x-voipkit-e2e:1</c>).</summary>
    public bool EndToEnd { get; init; }

    /// <summary>The SDES suites this endpoint accepts, strongest first; empty disables SDES.</summary>
    public IReadOnlyList<string> SdesSuites { get; init; } = SdesCryptoSuites.Default;

    /// <summary>The fingerprint of this endpoint's DTLS certificate, or null when DTLS-SRTP is not available.</summary>
    public Fingerprint? DtlsFingerprint { get; init; }

    /// <summary>Whether to offer and accept RTP/RTCP multiplexing (RFC 5761).</summary>
    public bool RtcpMux { get; init; } = true;

    /// <summary>The ICE username fragment, or null when this endpoint does not do ICE.</summary>
    public string? IceUfrag { get; init; }

    /// <summary>The ICE password (at least 22 characters), or null.</summary>
    public string? IcePwd { get; init; }

    /// <summary>Whether this endpoint is ICE-lite.</summary>
    public bool IceLite { get; init; }

    /// <summary>Whether this endpoint trickles candidates (announces <c>a=ice-options:trickle</c>).</summary>
    public bool IceTrickle { get; init; }

    /// <summary>The local candidates gathered so far.</summary>
    public IReadOnlyList<IceCandidate> Candidates { get; init; } = [];

    /// <summary>Whether gathering is complete (writes <c>a=end-of-candidates</c>).</summary>
    public bool EndOfCandidates { get; init; }

    internal string AddressType => Address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
}
