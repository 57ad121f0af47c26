using System.Diagnostics.CodeAnalysis;

namespace VoipKit.Signaling.Authentication;

/// <summary>
/// The digest algorithms of RFC 7616 3.3 (registered for SIP by RFC 8760). The <c>-sess</c> variants hash the client
/// and server nonces into HA1. The name on the wire is given in each member's summary; an unknown name is not supported.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Sha512_256 mirrors SHA-512/256; Sha512256 would read as one number.")]
public enum SipDigestAlgorithm
{
    /// <summary><c>MD5</c>: the default when a challenge names none. Weak: use only when the server offers nothing better.</summary>
    Md5,

    /// <summary><c>MD5-sess</c>.</summary>
    Md5Sess,

    /// <summary><c>SHA-256</c>.</summary>
    Sha256,

    /// <summary><c>SHA-256-sess</c>.</summary>
    Sha256Sess,

    /// <summary><c>SHA-512-256</c>: SHA-512/256 of FIPS 180-4 (its own initial value, truncated to 256 bits).</summary>
    Sha512_256,

    /// <summary><c>SHA-512-256-sess</c>.</summary>
    Sha512_256Sess,
}
