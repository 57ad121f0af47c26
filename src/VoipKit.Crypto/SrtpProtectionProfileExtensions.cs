namespace VoipKit.Crypto;

/// <summary>Key, salt and tag sizes of each <see cref="SrtpProtectionProfile"/>.</summary>
public static class SrtpProtectionProfileExtensions
{
    /// <summary>Length in bytes of the SRTP master key the profile uses.</summary>
    /// <param name="profile">The protection profile.</param>
    /// <returns>16 for the AES-128 profiles, 32 for AES-256.</returns>
    public static int MasterKeyLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1Tag80 or SrtpProtectionProfile.AesCm128HmacSha1Tag32 or SrtpProtectionProfile.AeadAes128Gcm => 16,
        SrtpProtectionProfile.AeadAes256Gcm => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>Length in bytes of the SRTP master salt the profile uses.</summary>
    /// <param name="profile">The protection profile.</param>
    /// <returns>14 for the counter-mode profiles (RFC 3711), 12 for the AEAD profiles (RFC 7714).</returns>
    public static int MasterSaltLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1Tag80 or SrtpProtectionProfile.AesCm128HmacSha1Tag32 => 14,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>Length in bytes of the authentication tag appended to each SRTP packet.</summary>
    /// <param name="profile">The protection profile.</param>
    /// <returns>10, 4 or 16 bytes.</returns>
    public static int SrtpTagLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1Tag80 => 10,
        SrtpProtectionProfile.AesCm128HmacSha1Tag32 => 4,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>Length in bytes of the authentication tag appended to each SRTCP packet.</summary>
    /// <param name="profile">The protection profile.</param>
    /// <returns>10 for both HMAC-SHA1 profiles (RFC 3711 keeps 80 bits on SRTCP), 16 for AEAD.</returns>
    public static int SrtcpTagLength(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1Tag80 or SrtpProtectionProfile.AesCm128HmacSha1Tag32 => 10,
        SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>The crypto-suite name used in an SDES <c>a=crypto</c> line (RFC 4568, RFC 7714).</summary>
    /// <param name="profile">The protection profile.</param>
    /// <returns>For example <c>AES_CM_128_HMAC_SHA1_80</c>.</returns>
    public static string SdesName(this SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1Tag80 => "AES_CM_128_HMAC_SHA1_80",
        SrtpProtectionProfile.AesCm128HmacSha1Tag32 => "AES_CM_128_HMAC_SHA1_32",
        SrtpProtectionProfile.AeadAes128Gcm => "AEAD_AES_128_GCM",
        SrtpProtectionProfile.AeadAes256Gcm => "AEAD_AES_256_GCM",
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };
}
