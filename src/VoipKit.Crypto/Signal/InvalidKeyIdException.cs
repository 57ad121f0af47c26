namespace VoipKit.Crypto.Signal;

/// <summary>A message or bundle names a prekey or signed prekey that the local store does not hold (never issued, or already consumed).</summary>
public class InvalidKeyIdException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidKeyIdException()
        : base("No such prekey.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidKeyIdException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidKeyIdException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
