using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>What a <see cref="SipRegistration"/> asks of the registrar.</summary>
public sealed record SipRegistrationOptions
{
    /// <summary>The registrar, for example <c>sip:example.com</c>: the Request-URI of the REGISTERs.</summary>
    public required SipUri Registrar { get; init; }

    /// <summary>How long the binding should last; the registrar may grant less (or ask for more with 423).</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>RFC 8599 push parameters for the Contact, or null.</summary>
    public SipPushParameters? Push { get; init; }

    /// <summary>The first wait before retrying after a failure; it doubles per failure, randomized to 50–100 % (RFC 5626 4.5).</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Over TCP or TLS, how often a CRLF keep-alive (RFC 5626 4.4.1) checks the connection to the registrar: sent at a random
    /// 80–100 % of this interval, a pong is expected within 10 s, and a missing one re-registers at once (which reconnects).
    /// Null (the default) means 120 s; <see cref="TimeSpan.Zero"/> turns keep-alives off. UDP sends none.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Registrar);
        ArgumentOutOfRangeException.ThrowIfLessThan(Expires, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryBase, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMax, RetryBase);
    }
}
