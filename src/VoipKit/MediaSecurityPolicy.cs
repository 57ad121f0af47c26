namespace VoipKit;

/// <summary>What media protection the app accepts for its calls.</summary>
public enum MediaSecurityPolicy
{
    /// <summary>
    /// The default: only end-to-end keyed SRTP (the call secret travels in a Signal message only the peer's device can
    /// open). A peer that cannot do it, such as a standard SIP phone, is refused with a clear reason.
    /// </summary>
    EndToEndOnly = 0,

    /// <summary>
    /// End-to-end when the peer can do it, else SRTP keyed hop by hop (SDES keys in the SIP messages, which every
    /// signaling server on the path can read): for calls with standard phones and PBXs. The call's
    /// <see cref="Call.Security"/> says which one a call got.
    /// </summary>
    AllowHopByHop = 1,
}
