namespace VoipKit.Signaling.Sdp;

/// <summary>The <c>o=</c> line (RFC 8866 section 5.2): who created the session and which version of it this is.</summary>
public sealed record Origin
{
    /// <summary>The user name on the originating host, <c>-</c> when none (VoipKit always sends <c>-</c> to avoid leaking names).</summary>
    public string UserName { get; init; } = "-";

    /// <summary>The numeric session id, unique for the originating host.</summary>
    public ulong SessionId { get; init; }

    /// <summary>The session version; incremented on every new offer of the same session (RFC 3264 section 8).</summary>
    public ulong SessionVersion { get; init; }

    /// <summary>The network type, <c>IN</c>.</summary>
    public string NetworkType { get; init; } = "IN";

    /// <summary>The address type, <c>IP4</c> or <c>IP6</c>.</summary>
    public string AddressType { get; init; } = "IP4";

    /// <summary>The unicast address (or host name) of the originating host.</summary>
    public string Address { get; init; } = "127.0.0.1";
}
