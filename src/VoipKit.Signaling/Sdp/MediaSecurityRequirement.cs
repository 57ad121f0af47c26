namespace VoipKit.Signaling.Sdp;

/// <summary>An account's policy on media protection, applied to every offer and answer.</summary>
public enum MediaSecurityRequirement
{
    /// <summary>Plain RTP is accepted when the peer cannot do better (VoipKit still prefers the strongest common security).</summary>
    AllowPlain,

    /// <summary>Only SRTP (SDES, DTLS or end-to-end keyed) is accepted; anything else is refused with 488.</summary>
    RequireEncryption,

    /// <summary>Only end-to-end keyed SRTP is accepted: no key ever crosses a signaling server.</summary>
    RequireEndToEnd,
}
