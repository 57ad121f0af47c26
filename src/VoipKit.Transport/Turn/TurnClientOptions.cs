using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>Where the TURN server is, the long-term credentials, and the refresh timers.</summary>
internal sealed record TurnClientOptions
{
    /// <summary>The TURN server (UDP).</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>The long-term credential username.</summary>
    public required string Username { get; init; }

    /// <summary>The long-term credential password (only its key is kept).</summary>
    public required string Password { get; init; }

    /// <summary>LIFETIME to ask for in Allocate and Refresh; null lets the server choose (10 min by default).</summary>
    public TimeSpan? RequestedLifetime { get; init; }

    /// <summary>Refresh the allocation this long before it expires (or at half its lifetime if that comes later).</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Refresh each permission this often (permissions last 5 min).</summary>
    public TimeSpan PermissionRefreshInterval { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Refresh each channel binding this often (bindings last 10 min).</summary>
    public TimeSpan ChannelRefreshInterval { get; init; } = TimeSpan.FromMinutes(9);

    /// <summary>After a refresh failed without an error response (timeout), try again this much later while the item has not expired.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing waits for the Refresh with LIFETIME 0 that deletes the allocation.</summary>
    public TimeSpan DeleteTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether the client reads the transport itself; false when the socket's owner demultiplexes and calls <see cref="TurnClient.TryHandleDatagram"/>.</summary>
    public bool RunReceiveLoop { get; init; } = true;

    /// <summary>Retransmission parameters of the requests (RFC 8489 section 6.2.1 defaults).</summary>
    public StunClientOptions Transactions { get; init; } = new();
}
