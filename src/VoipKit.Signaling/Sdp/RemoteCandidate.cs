namespace VoipKit.Signaling.Sdp;

/// <summary>One entry of an <c>a=remote-candidates:</c> attribute (RFC 8839 section 5.2): component, address and port.</summary>
public sealed record RemoteCandidate
{
    /// <summary>The component id (1 for RTP, 2 for RTCP).</summary>
    public int Component { get; init; }

    /// <summary>The address as written.</summary>
    public required string Address { get; init; }

    /// <summary>The port, 0–65535.</summary>
    public int Port { get; init; }
}
