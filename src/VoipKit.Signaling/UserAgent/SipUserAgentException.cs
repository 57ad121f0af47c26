namespace VoipKit.Signaling.UserAgent;

/// <summary>A user agent operation could not be carried out (no route to the peer, a dialog that is already over...).</summary>
public class SipUserAgentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SipUserAgentException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SipUserAgentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SipUserAgentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
