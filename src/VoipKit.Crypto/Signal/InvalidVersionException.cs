namespace VoipKit.Crypto.Signal;

/// <summary>A Signal message, bundle or stored record carries a version this implementation does not speak (only version 3 is supported).</summary>
public class InvalidVersionException : InvalidMessageException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidVersionException()
        : base("Unsupported Signal protocol version.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
