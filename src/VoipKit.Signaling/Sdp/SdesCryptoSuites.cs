namespace VoipKit.Signaling.Sdp;

/// <summary>
/// The SDES crypto-suite names VoipKit understands (RFC 4568, RFC 6188, RFC 7714), their key||salt lengths and their
/// ranking. These are SDP names only: the Signaling layer does not depend on VoipKit.Crypto.
/// </summary>
public static class SdesCryptoSuites
{
    /// <summary>AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 4568); 16-byte key, 14-byte salt.</summary>
    public const string AesCm128HmacSha1Tag80 = "AES_CM_128_HMAC_SHA1_80";

    /// <summary>AES-128 counter mode with a 32-bit HMAC-SHA1 tag (RFC 4568); 16-byte key, 14-byte salt.</summary>
    public const string AesCm128HmacSha1Tag32 = "AES_CM_128_HMAC_SHA1_32";

    /// <summary>AES-256 counter mode with an 80-bit HMAC-SHA1 tag (RFC 6188); 32-byte key, 14-byte salt.</summary>
    public const string Aes256CmHmacSha1Tag80 = "AES_256_CM_HMAC_SHA1_80";

    /// <summary>AES-256 counter mode with a 32-bit HMAC-SHA1 tag (RFC 6188); 32-byte key, 14-byte salt.</summary>
    public const string Aes256CmHmacSha1Tag32 = "AES_256_CM_HMAC_SHA1_32";

    /// <summary>AES-128-GCM (RFC 7714); 16-byte key, 12-byte salt.</summary>
    public const string AeadAes128Gcm = "AEAD_AES_128_GCM";

    /// <summary>AES-256-GCM (RFC 7714); 32-byte key, 12-byte salt.</summary>
    public const string AeadAes256Gcm = "AEAD_AES_256_GCM";

    /// <summary>The suites VoipKit offers by default, strongest first (AEAD suites before AES-CM ones).</summary>
    public static IReadOnlyList<string> Default { get; } = [AeadAes256Gcm, AeadAes128Gcm, AesCm128HmacSha1Tag80];

    /// <summary>The length of the concatenated master key and salt of a suite.</summary>
    /// <param name="suite">A suite name.</param>
    /// <returns>The length in bytes, or null for a suite VoipKit does not know.</returns>
    public static int? KeySaltLength(string suite) => suite switch
    {
        AesCm128HmacSha1Tag80 or AesCm128HmacSha1Tag32 => 30,
        Aes256CmHmacSha1Tag80 or Aes256CmHmacSha1Tag32 => 46,
        AeadAes128Gcm => 28,
        AeadAes256Gcm => 44,
        _ => null,
    };

    /// <summary>The rank of a suite in negotiation: higher is stronger (AEAD over AES-CM, 256 over 128, 80-bit tag over 32-bit).</summary>
    /// <param name="suite">A suite name.</param>
    /// <returns>The rank, or -1 for an unknown suite.</returns>
    public static int Strength(string suite) => suite switch
    {
        AeadAes256Gcm => 6,
        AeadAes128Gcm => 5,
        Aes256CmHmacSha1Tag80 => 4,
        AesCm128HmacSha1Tag80 => 3,
        Aes256CmHmacSha1Tag32 => 2,
        AesCm128HmacSha1Tag32 => 1,
        _ => -1,
    };
}
