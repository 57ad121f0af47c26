namespace VoipKit.Signaling.Messages;

/// <summary>A SIP message, header value, URI or body could not be parsed.</summary>
public sealed class SipParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SipParseException()
        : this(SipParseError.BadStartLine, "The SIP message is malformed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    public SipParseException(string message)
        : this(SipParseError.BadStartLine, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    /// <param name="innerException">The cause.</param>
    public SipParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        ResponseHeaders = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="message">The description.</param>
    /// <param name="headerName">The header field concerned, if any.</param>
    /// <param name="isRequest">Whether the input was recognized as a request.</param>
    /// <param name="responseHeaders">Via, From, To, Call-ID and CSeq when all were readable; otherwise empty.</param>
    public SipParseException(SipParseError error, string message, string? headerName = null, bool isRequest = false, IReadOnlyList<SipHeader>? responseHeaders = null)
        : base(message)
    {
        Error = error;
        HeaderName = headerName;
        IsRequest = isRequest;
        ResponseHeaders = responseHeaders ?? [];
    }

    /// <summary>What went wrong.</summary>
    public SipParseError Error { get; }

    /// <summary>The header field concerned (canonical name), if the error is about one.</summary>
    public string? HeaderName { get; }

    /// <summary>Whether the start line was a Request-Line.</summary>
    public bool IsRequest { get; }

    /// <summary>
    /// The Via, From, To, Call-ID and CSeq header fields of the rejected message, in order, when all of them were readable;
    /// empty otherwise. With them a server can build the error response (RFC 3261 8.2.6).
    /// </summary>
    public IReadOnlyList<SipHeader> ResponseHeaders { get; }

    /// <summary>True when the rejected message was a request whose headers allow an error response (400, 505...).</summary>
    public bool CanRespond => IsRequest && ResponseHeaders.Count > 0;
}
