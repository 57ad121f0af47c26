using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.UserAgent;

/// <summary>Settings of a <see cref="SipUserAgent"/>.</summary>
public sealed record SipUserAgentOptions
{
    /// <summary>The address of record this agent speaks for, for example <c>sip:alice@example.com</c>: the From of its requests.</summary>
    public required SipUri Identity { get; init; }

    /// <summary>The display name put in From and Contact, or null.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// The credentials used to answer digest challenges (401/407, RFC 8760: SHA-256 preferred, MD5 when that is all the
    /// server offers) for REGISTER, INVITE and in-dialog requests; null to not authenticate.
    /// </summary>
    public SipCredentials? Credentials { get; init; }

    /// <summary>
    /// A proxy that every out-of-dialog request goes through (a loose-routing Route, RFC 3261 8.1.2), or null to send
    /// requests to the host of their Request-URI.
    /// </summary>
    public SipUri? OutboundProxy { get; init; }

    /// <summary>The transport: UDP (the default), TCP or TLS.</summary>
    public SipTransportProtocol Transport { get; init; } = SipTransportProtocol.Udp;

    /// <summary>The local address and port to listen on. The default is any IPv4 address, a port the system picks.</summary>
    public IPEndPoint LocalEndPoint { get; init; } = new(IPAddress.Any, 0);

    /// <summary>
    /// The host written into Via and Contact. Null (the default) uses the bound address, or, when bound to any
    /// address, the local address the system routes towards each destination.
    /// </summary>
    public string? ContactHost { get; init; }

    /// <summary>
    /// When the registrar reports (Via received/rport, RFC 3581) that our requests arrive from another address than the
    /// Contact names, as behind a NAT, re-register at once with that address in the Contact (removing the old binding)
    /// and use it in every later Contact. UDP only; on by default; ignored when <see cref="ContactHost"/> is set.
    /// </summary>
    public bool LearnPublicAddress { get; init; } = true;

    /// <summary>
    /// How long an incoming call may stay unanswered before the agent answers it 480 itself, so that an application that
    /// forgets a call (or a caller that vanished without CANCEL) leaves no transaction behind. Three minutes by default,
    /// the caller-side timer C of RFC 3261.
    /// </summary>
    public TimeSpan IncomingCallTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The value of the User-Agent header.</summary>
    public string UserAgentName { get; init; } = "VoipKit";

    /// <summary>
    /// The RFC 4028 session interval asked for in INVITEs and granted to callers. <see cref="TimeSpan.Zero"/> turns session
    /// timers off (the agent still honours a peer that requires them).
    /// </summary>
    public TimeSpan SessionExpires { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>The smallest session interval accepted (RFC 4028 Min-SE); RFC 4028 requires at least 90 s.</summary>
    public TimeSpan MinSessionExpires { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long <see cref="SipUserAgent.DisposeAsync"/> waits for the peers of calls still up to answer their BYE; the BYEs
    /// are retransmitted meanwhile (over UDP). <see cref="TimeSpan.Zero"/> sends them once and does not wait.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Transport settings (message size limits, connection limits...); null uses the defaults.</summary>
    public SipTransportOptions? TransportOptions { get; init; }

    /// <summary>TLS settings, required when <see cref="Transport"/> is TLS.</summary>
    public SipTlsOptions? Tls { get; init; }

    /// <summary>The clock for every timer; null means the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where logs go; null means nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Transaction timers (T1, T2...); tests shorten them.</summary>
    internal SipTransactionOptions Transactions { get; init; } = new();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Identity);
        if (!Identity.IsSip)
        {
            throw new ArgumentException("The identity must be a sip: or sips: URI.", nameof(Identity));
        }

        if (SessionExpires < TimeSpan.Zero || (SessionExpires > TimeSpan.Zero && SessionExpires < MinSessionExpires))
        {
            throw new ArgumentOutOfRangeException(nameof(SessionExpires), "The session interval must be zero or at least MinSessionExpires.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IncomingCallTimeout, TimeSpan.Zero, nameof(IncomingCallTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
        if (MinSessionExpires < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinSessionExpires), "Min-SE must be at least one second.");
        }

        if (Transport == SipTransportProtocol.Tls && Tls is null)
        {
            throw new ArgumentException("TLS needs SipTlsOptions.", nameof(Tls));
        }
    }
}
