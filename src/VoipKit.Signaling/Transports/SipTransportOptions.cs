using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transports;

/// <summary>Limits and services shared by the transports.</summary>
public sealed record SipTransportOptions
{
    /// <summary>Largest accepted message in bytes, headers and body (64 KiB by default).</summary>
    public int MaxMessageSize { get; init; } = SipParseOptions.DefaultMaxMessageSize;

    /// <summary>Stream transports: most connections open at once, inbound and outbound together.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>
    /// Stream transports: most received bytes held for one connection while a message is incomplete; must be at least
    /// <see cref="MaxMessageSize"/>. A connection over it is closed.
    /// </summary>
    public int MaxBufferedBytesPerConnection { get; init; } = 2 * SipParseOptions.DefaultMaxMessageSize;

    /// <summary>Stream transports: a connection with no traffic either way for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Stream transports: longest time a started message may stay incomplete; a peer that trickles a message slower is
    /// disconnected (steady bytes would otherwise keep the connection from ever going idle).
    /// </summary>
    public TimeSpan IncompleteMessageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stream transports: limit on connecting (and the TLS handshake) for an outbound connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether received/rport are filled in the top Via of incoming requests (RFC 3581), on by default.</summary>
    public bool FillReceivedAndRPort { get; init; } = true;

    /// <summary>The clock for idle cleanup; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where diagnostics go; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 256, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytesPerConnection, MaxMessageSize, nameof(MaxBufferedBytesPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IncompleteMessageTimeout, TimeSpan.Zero, nameof(IncompleteMessageTimeout));
    }
}
