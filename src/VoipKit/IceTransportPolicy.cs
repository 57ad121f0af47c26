namespace VoipKit;

/// <summary>Which candidates ICE may use for a call's media, as in WebRTC's <c>iceTransportPolicy</c>.</summary>
public enum IceTransportPolicy
{
    /// <summary>Any path: direct (host), through NATs (server-reflexive, peer-reflexive) or relayed.</summary>
    All = 0,

    /// <summary>Only relayed candidates: media always goes through a TURN server, which hides the device's addresses from the peer.</summary>
    Relay = 1,
}
