namespace VoipKit;

/// <summary>The client could not register with its registrar: wrong credentials, an unknown account, or no answer.</summary>
public sealed class RegistrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistrationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The explanation.</param>
    public RegistrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The cause.</param>
    public RegistrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a registrar's final answer.</summary>
    /// <param name="sipStatus">The registrar's status code, or null when it never answered.</param>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The cause, or null.</param>
    public RegistrationException(int? sipStatus, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        SipStatus = sipStatus;
    }

    /// <summary>The registrar's status code (401 or 403 for bad credentials, 404 for an unknown account), or null when it never answered.</summary>
    public int? SipStatus { get; }

    /// <summary>True when the registrar refused the credentials.</summary>
    public bool IsAuthenticationFailure => SipStatus is 401 or 403 or 407;
}
