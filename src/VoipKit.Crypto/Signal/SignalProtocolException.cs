namespace VoipKit.Crypto.Signal;

/// <summary>Base class of every error the Signal protocol implementation reports.</summary>
public class SignalProtocolException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SignalProtocolException()
        : base("Signal protocol error.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SignalProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SignalProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
