namespace VoipKit;

/// <summary>A call could not be set up, or an operation on it failed: the reason, the SIP status when there was one, and an explanation.</summary>
public sealed class CallException : Exception
{
    /// <summary>Creates the exception with a generic reason.</summary>
    public CallException()
        : this(new CallEnd(CallEndReason.Failed))
    {
    }

    /// <summary>Creates the exception with a message and a generic reason.</summary>
    /// <param name="message">The explanation.</param>
    public CallException(string message)
        : this(new CallEnd(CallEndReason.Failed, null, message))
    {
    }

    /// <summary>Creates the exception with a message, a generic reason and the cause.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The cause.</param>
    public CallException(string message, Exception innerException)
        : this(new CallEnd(CallEndReason.Failed, null, message), innerException)
    {
    }

    /// <summary>Creates the exception for a call that ended as <paramref name="end"/> says.</summary>
    /// <param name="end">How the call ended.</param>
    /// <param name="innerException">The cause, or null.</param>
    public CallException(CallEnd end, Exception? innerException = null)
        : base(end?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(end);
        End = end;
    }

    /// <summary>How the call ended.</summary>
    public CallEnd End { get; }

    /// <summary>Why the call failed.</summary>
    public CallEndReason Reason => End.Reason;

    /// <summary>The SIP status code behind the failure, or null.</summary>
    public int? SipStatus => End.SipStatus;
}
