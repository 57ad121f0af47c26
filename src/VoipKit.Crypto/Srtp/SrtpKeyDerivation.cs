using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>
/// The SRTP key derivation function (RFC 3711 section 4.3, AES-CM PRF), with a key derivation
/// rate of 0: session keys are derived once from the master key and salt.
/// </summary>
internal static class SrtpKeyDerivation
{
    /// <summary>Label of the SRTP encryption key.</summary>
    public const byte RtpEncryption = 0x00;

    /// <summary>Label of the SRTP authentication key.</summary>
    public const byte RtpAuthentication = 0x01;

    /// <summary>Label of the SRTP salt.</summary>
    public const byte RtpSalt = 0x02;

    /// <summary>Label of the SRTCP encryption key.</summary>
    public const byte RtcpEncryption = 0x03;

    /// <summary>Label of the SRTCP authentication key.</summary>
    public const byte RtcpAuthentication = 0x04;

    /// <summary>Label of the SRTCP salt.</summary>
    public const byte RtcpSalt = 0x05;

    /// <summary>
    /// Fills <paramref name="output"/> with the session key for <paramref name="label"/>.
    /// A 96-bit (AEAD) master salt is padded with zeros to the PRF's 112 bits (RFC 7714 section 11).
    /// </summary>
    public static void Derive(AesCtr prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        // x = (label || r) XOR master_salt, with r = 0; the PRF input is x * 2^16.
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt[..Math.Min(14, masterSalt.Length)].CopyTo(iv);
        iv[7] ^= label;
        output.Clear();
        prf.XorKeystream(iv, 0, output);
        CryptographicOperations.ZeroMemory(iv);
    }
}
