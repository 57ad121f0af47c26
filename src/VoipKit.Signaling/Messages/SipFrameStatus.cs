namespace VoipKit.Signaling.Messages;

/// <summary>What <see cref="SipStreamFramer.TryRead"/> found at the start of the buffer.</summary>
public enum SipFrameStatus
{
    /// <summary>Not enough bytes yet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>One complete message was cut off the buffer.</summary>
    Message,

    /// <summary>A double-CRLF keep-alive ping (RFC 5626 4.4.1) was consumed; answer with a single CRLF.</summary>
    KeepAlivePing,

    /// <summary>A single-CRLF keep-alive pong was consumed.</summary>
    KeepAlivePong,

    /// <summary>The message (or its header section) is over the limit: close the connection.</summary>
    MessageTooLarge,

    /// <summary>The header section has no Content-Length, which streams require: close the connection.</summary>
    MissingContentLength,

    /// <summary>Content-Length is not a number, or appears twice with different values: close the connection.</summary>
    BadContentLength,
}
