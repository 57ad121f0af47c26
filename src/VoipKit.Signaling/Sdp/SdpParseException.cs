namespace VoipKit.Signaling.Sdp;

/// <summary>A session description could not be parsed: the line it failed on and why.</summary>
public sealed class SdpParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="lineNumber">The 1-based line the parser failed on, or 0 when the error concerns the whole description.</param>
    /// <param name="reason">What was wrong, in a short sentence.</param>
    public SdpParseException(int lineNumber, string reason)
        : base(lineNumber > 0 ? $"SDP line {lineNumber}: {reason}" : $"SDP: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>Creates the exception with a generic reason (prefer the line/reason constructor).</summary>
    public SdpParseException()
        : this(0, "invalid session description")
    {
    }

    /// <summary>Creates the exception with a reason and no line (prefer the line/reason constructor).</summary>
    /// <param name="message">What was wrong.</param>
    public SdpParseException(string message)
        : this(0, message)
    {
    }

    /// <summary>Creates the exception with a reason and an inner exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SdpParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The 1-based line number the parser failed on; 0 when the error concerns the whole description.</summary>
    public int LineNumber { get; }

    /// <summary>What was wrong with the input, without the line number.</summary>
    public string Reason { get; }
}
