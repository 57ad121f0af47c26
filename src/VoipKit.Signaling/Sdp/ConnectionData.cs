namespace VoipKit.Signaling.Sdp;

/// <summary>A <c>c=</c> line (RFC 8866 section 5.7).</summary>
public sealed record ConnectionData
{
    /// <summary>The network type, <c>IN</c>.</summary>
    public string NetworkType { get; init; } = "IN";

    /// <summary>The address type, <c>IP4</c> or <c>IP6</c>.</summary>
    public string AddressType { get; init; } = "IP4";

    /// <summary>The connection address as written, including any multicast <c>/ttl/count</c> suffix.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>True for the RFC 2543 style hold address <c>0.0.0.0</c> (still sent by some old PBXs).</summary>
    public bool IsNullAddress => Address is "0.0.0.0" or "::";
}
