namespace VoipKit.Signaling.Messages;

/// <summary>Limits and framing rules for parsing.</summary>
public sealed record SipParseOptions
{
    /// <summary>The default message size limit, 64 KiB.</summary>
    public const int DefaultMaxMessageSize = 64 * 1024;

    /// <summary>Rules for a message received as one datagram (UDP): Content-Length optional, extra bytes ignored.</summary>
    public static SipParseOptions Datagram { get; } = new();

    /// <summary>Rules for a message cut from a stream (TCP/TLS): Content-Length required.</summary>
    public static SipParseOptions Stream { get; } = new() { RequireContentLength = true };

    /// <summary>Largest accepted message in bytes (headers and body).</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>Largest accepted number of header fields.</summary>
    public int MaxHeaderCount { get; init; } = 256;

    /// <summary>Whether a missing Content-Length is an error (true for streams, RFC 3261 18.3).</summary>
    public bool RequireContentLength { get; init; }
}
