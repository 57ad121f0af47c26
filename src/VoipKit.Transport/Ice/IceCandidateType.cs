namespace VoipKit.Transport.Ice;

/// <summary>The candidate types of RFC 8445 section 5.1.1, with their RFC 8839 names.</summary>
internal enum IceCandidateType
{
    /// <summary>A local socket's own address (<c>host</c>).</summary>
    Host,

    /// <summary>The address a NAT maps the base to, learnt from a STUN server (<c>srflx</c>).</summary>
    ServerReflexive,

    /// <summary>An address learnt from a connectivity check or its response (<c>prflx</c>).</summary>
    PeerReflexive,

    /// <summary>An address on a TURN server (<c>relay</c>).</summary>
    Relayed,
}
