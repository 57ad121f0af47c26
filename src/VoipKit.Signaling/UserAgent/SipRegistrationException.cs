using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>The registrar refused the registration (or never answered).</summary>
public sealed class SipRegistrationException : SipUserAgentException
{
    /// <summary>Creates the exception.</summary>
    public SipRegistrationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SipRegistrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SipRegistrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a final response.</summary>
    /// <param name="response">The registrar's answer (408 or 503 when there was none).</param>
    public SipRegistrationException(SipResponse response)
        : base($"The registrar answered {response?.StatusCode} {response?.ReasonPhrase}.")
    {
        Response = response;
    }

    /// <summary>The final response, when there was one.</summary>
    public SipResponse? Response { get; }

    /// <summary>Its status code, or 0.</summary>
    public int StatusCode => Response?.StatusCode ?? 0;
}
