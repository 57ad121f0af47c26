namespace VoipKit;

/// <summary>Where the client's registration with its SIP registrar stands.</summary>
public enum RegistrationState
{
    /// <summary>Not registered: not started yet, stopped, or un-registered.</summary>
    Unregistered = 0,

    /// <summary>The first REGISTER is on its way (or a retry after a failure).</summary>
    Registering = 1,

    /// <summary>The registrar accepted the binding; incoming calls can reach the client. Refreshes keep it so.</summary>
    Registered = 2,

    /// <summary>The registrar refused or could not be reached; the client retries with backoff.</summary>
    Failed = 3,
}
