using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace VoipKit.Signaling.Transports;

/// <summary>TLS settings for <see cref="SipStreamTransport"/> (SIP over TLS, RFC 3261 26.2.1).</summary>
public sealed record SipTlsOptions
{
    /// <summary>The certificate (with private key) presented to inbound connections; without it inbound TLS is refused.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>
    /// Checks the peer's certificate on outbound connections; the platform's chain and name check when null. The caller
    /// decides what a SIP server's certificate must prove.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>The name expected in the server certificate and sent as SNI; the IP address text when null.</summary>
    public string? TargetHost { get; init; }

    /// <summary>Allowed protocol versions; the platform default (TLS 1.2 and 1.3) when <see cref="SslProtocols.None"/>.</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;
}
