namespace VoipKit.Signaling.Messages;

/// <summary>Why a SIP message (or one of its parts) could not be parsed.</summary>
public enum SipParseError
{
    /// <summary>The input is empty or only line breaks.</summary>
    Empty,

    /// <summary>The message is larger than the configured limit.</summary>
    MessageTooLarge,

    /// <summary>The header section does not end with an empty line (CRLF CRLF).</summary>
    Truncated,

    /// <summary>A NUL or other control byte, a bare CR or LF, or invalid UTF-8 in the start line or headers.</summary>
    InvalidCharacter,

    /// <summary>The first line is neither a Request-Line nor a Status-Line (including extra or missing spaces).</summary>
    BadStartLine,

    /// <summary>The request method is not a token.</summary>
    BadMethod,

    /// <summary>A URI (the Request-URI or one inside a header) is malformed.</summary>
    BadUri,

    /// <summary>The SIP version is well formed but not SIP/2.0 (a server answers 505).</summary>
    UnsupportedVersion,

    /// <summary>The status code is not three digits in 100–699.</summary>
    BadStatusCode,

    /// <summary>A header line has no colon, an empty or non-token name, or a continuation line comes first.</summary>
    BadHeaderLine,

    /// <summary>More header fields than the configured limit.</summary>
    TooManyHeaders,

    /// <summary>The value of a header field the stack interprets is malformed or out of range.</summary>
    BadHeaderValue,

    /// <summary>A mandatory header field (Via, From, To, Call-ID, CSeq) is missing.</summary>
    MissingHeader,

    /// <summary>A header field that may appear once appears more than once.</summary>
    DuplicateHeader,

    /// <summary>The CSeq method differs from the request method.</summary>
    MethodMismatch,

    /// <summary>A stream-framed message has no Content-Length.</summary>
    MissingContentLength,

    /// <summary>Content-Length is not a number, negative, or absurdly large.</summary>
    BadContentLength,

    /// <summary>Content-Length says more bytes than the datagram carries.</summary>
    BodyTooShort,

    /// <summary>A multipart body is malformed (no boundary, missing delimiter or close delimiter, bad part headers).</summary>
    BadMultipart,
}
