namespace VoipKit.Crypto;

/// <summary>
/// The SRTP protection profiles (crypto suites) VoipKit knows, with the names used by SDES
/// (RFC 4568) and the identifiers used by DTLS-SRTP (RFC 5764, RFC 7714).
/// </summary>
public enum SrtpProtectionProfile
{
    /// <summary>AES-128 counter mode with a 80-bit HMAC-SHA1 tag (RFC 3711); DTLS-SRTP id 0x0001.</summary>
    AesCm128HmacSha1Tag80 = 0x0001,

    /// <summary>AES-128 counter mode with a 32-bit HMAC-SHA1 tag on SRTP (80-bit on SRTCP); DTLS-SRTP id 0x0002.</summary>
    AesCm128HmacSha1Tag32 = 0x0002,

    /// <summary>AES-128 in Galois/counter mode with a 128-bit tag (RFC 7714); DTLS-SRTP id 0x0007.</summary>
    AeadAes128Gcm = 0x0007,

    /// <summary>AES-256 in Galois/counter mode with a 128-bit tag (RFC 7714); DTLS-SRTP id 0x0008.</summary>
    AeadAes256Gcm = 0x0008,
}
