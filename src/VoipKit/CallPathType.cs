namespace VoipKit;

/// <summary>How a call's media travels, from the ICE candidate type of the local end of the selected pair.</summary>
public enum CallPathType
{
    /// <summary>Directly between the devices' own addresses (same network, or public addresses).</summary>
    Host = 0,

    /// <summary>Through the devices' NATs, on the public address a STUN server saw.</summary>
    ServerReflexive = 1,

    /// <summary>Through a NAT mapping learnt during the connectivity checks themselves.</summary>
    PeerReflexive = 2,

    /// <summary>Through a TURN relay.</summary>
    Relayed = 3,

    /// <summary>No ICE: media goes to the address in the peer's SDP (a standard phone without ICE).</summary>
    Signalled = 4,
}
