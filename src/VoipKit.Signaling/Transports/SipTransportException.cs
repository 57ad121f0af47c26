namespace VoipKit.Signaling.Transports;

/// <summary>A transport could not deliver a message: connecting failed or a limit was reached.</summary>
public sealed class SipTransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SipTransportException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    public SipTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    /// <param name="innerException">The cause.</param>
    public SipTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
