namespace VoipKit.Signaling.UserAgent;

/// <summary>The state of a <see cref="SipRegistration"/>.</summary>
public enum SipRegistrationState
{
    /// <summary>A REGISTER is on its way (the first one, or a retry after a failure).</summary>
    Registering,

    /// <summary>The registrar accepted the binding; it is refreshed before it expires.</summary>
    Registered,

    /// <summary>The last REGISTER failed; another is sent after a backoff (RFC 5626 4.5).</summary>
    RetryWaiting,

    /// <summary>The binding was removed (or the registration disposed): no more REGISTERs are sent.</summary>
    Unregistered,
}
