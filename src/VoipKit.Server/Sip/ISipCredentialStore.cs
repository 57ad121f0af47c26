using VoipKit.Signaling.Authentication;

namespace VoipKit.Server.Sip;

/// <summary>
/// Where a <see cref="SipServer"/> finds its users: the digest secret (password or HA1) of a user, or null when there is
/// no such user. Called on the server's receive loops, possibly concurrently: keep it fast and thread-safe.
/// </summary>
public interface ISipCredentialStore
{
    /// <summary>Looks a user up.</summary>
    /// <param name="username">The user part of the address of record (also the digest username).</param>
    /// <param name="realm">The realm asked about (the server's <see cref="SipServerOptions.Realm"/>).</param>
    /// <returns>The secret, or null when the user does not exist.</returns>
    SipDigestSecret? FindSecret(string username, string realm);
}
