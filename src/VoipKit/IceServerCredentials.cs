namespace VoipKit;

/// <summary>Credentials for one TURN server, as a short-lived credential provider returns them (for example the TURN REST API's <c>expiry:user</c> name and HMAC password).</summary>
/// <param name="Username">The TURN user name.</param>
/// <param name="Password">The TURN password.</param>
public sealed record IceServerCredentials(string Username, string Password)
{
    /// <summary>Shows the user name, never the password.</summary>
    /// <returns>A description for logs.</returns>
    public override string ToString() => $"IceServerCredentials {{ Username = {Username} }}";
}
