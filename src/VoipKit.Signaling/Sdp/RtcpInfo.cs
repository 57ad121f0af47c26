namespace VoipKit.Signaling.Sdp;

/// <summary>An <c>a=rtcp:</c> attribute (RFC 3605): the RTCP port, and address when it differs from the RTP one.</summary>
public sealed record RtcpInfo
{
    /// <summary>The RTCP port, 0–65535.</summary>
    public int Port { get; init; }

    /// <summary>The network type (<c>IN</c>) when an address is given, else null.</summary>
    public string? NetworkType { get; init; }

    /// <summary>The address type (<c>IP4</c>/<c>IP6</c>) when an address is given, else null.</summary>
    public string? AddressType { get; init; }

    /// <summary>The RTCP address, or null when it is the RTP address.</summary>
    public string? Address { get; init; }
}
