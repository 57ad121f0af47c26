using System.Net;

namespace VoipKit.Transport.Turn;

/// <summary>A TURN server (UDP) and the long-term credentials to allocate on it.</summary>
/// <param name="Server">The server's address and port (usually 3478).</param>
/// <param name="Username">The long-term credential username.</param>
/// <param name="Password">The long-term credential password; never printed by <see cref="ToString"/>.</param>
internal sealed record TurnServerCredentials(IPEndPoint Server, string Username, string Password)
{
    /// <summary>The server and username, without the password.</summary>
    public override string ToString() => $"{Username}@{Server}";

    /// <summary>Client options for this server with the library defaults.</summary>
    internal TurnClientOptions ToClientOptions() => new() { Server = Server, Username = Username, Password = Password };
}
