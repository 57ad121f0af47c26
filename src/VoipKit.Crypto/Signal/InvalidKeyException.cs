namespace VoipKit.Crypto.Signal;

/// <summary>A key is malformed (wrong length or type byte), of low order, or produced an all-zero Diffie-Hellman result, or a signature on a key did not verify.</summary>
public class InvalidKeyException : SignalProtocolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidKeyException()
        : base("Invalid key.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
