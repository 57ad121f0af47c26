namespace VoipKit;

/// <summary>
/// A STUN or TURN server the client may use to find its public address and to relay media, in the
/// form WebRTC's <c>RTCIceServer</c> uses: <c>stun:host[:port]</c> (RFC 7064) or
/// <c>turn:host[:port][?transport=udp]</c> (RFC 7065).
/// </summary>
public sealed class IceServer
{
    /// <summary>The server's URL, for example <c>stun:stun.example.com</c> or <c>turn:203.0.113.5:3478</c>.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The TURN user name (long-term credentials), or null for STUN or when a credential provider supplies it.</summary>
    public string? Username { get; set; }

    /// <summary>The TURN password, or null for STUN or when a credential provider supplies it.</summary>
    public string? Credential { get; set; }

    /// <summary>Shows the URL and user, never the credential.</summary>
    /// <returns>A description for logs.</returns>
    public override string ToString() => Username is null ? Url : $"{Url} (user {Username})";
}
