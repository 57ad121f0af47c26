namespace VoipKit.Crypto.Signal;

/// <summary>There is no session with the remote address, so a normal (type 2) message cannot be decrypted or nothing can be encrypted.</summary>
public class NoSessionException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NoSessionException()
        : base("No session.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NoSessionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NoSessionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
