namespace VoipKit.Signaling.Sdp;

/// <summary>The candidate types of RFC 8445 (the <c>typ</c> field of a candidate line).</summary>
public enum IceCandidateType
{
    /// <summary><c>host</c>: an address of a local interface.</summary>
    Host,

    /// <summary><c>srflx</c>: server reflexive, the address a STUN server saw.</summary>
    ServerReflexive,

    /// <summary><c>prflx</c>: peer reflexive, learned from a connectivity check.</summary>
    PeerReflexive,

    /// <summary><c>relay</c>: a TURN relayed address.</summary>
    Relayed,
}
