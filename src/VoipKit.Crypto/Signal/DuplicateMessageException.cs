namespace VoipKit.Crypto.Signal;

/// <summary>A message whose keys were already used (a replay or a duplicate delivery). The session is unchanged.</summary>
public class DuplicateMessageException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DuplicateMessageException()
        : base("Duplicate message.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DuplicateMessageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DuplicateMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
