namespace VoipKit.Crypto.Signal;

/// <summary>A Signal message could not be parsed, authenticated or decrypted. The session it was meant for is unchanged.</summary>
public class InvalidMessageException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidMessageException()
        : base("Invalid Signal message.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidMessageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
