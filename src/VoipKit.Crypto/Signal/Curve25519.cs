using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace VoipKit.Crypto.Signal;

/// <summary>X25519 key generation and agreement with the checks the Signal protocol needs.</summary>
internal static class Curve25519
{
    public const int KeyLength = 32;

    /// <summary>Fills <paramref name="privateKey"/> with a fresh clamped private key.</summary>
    public static void GeneratePrivateKey(Span<byte> privateKey)
    {
        RandomNumberGenerator.Fill(privateKey[..KeyLength]);
        Clamp(privateKey);
    }

    public static void Clamp(Span<byte> privateKey)
    {
        privateKey[0] &= 248;
        privateKey[31] &= 127;
        privateKey[31] |= 64;
    }

    public static void PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey) => X25519.ScalarMultBase(privateKey, publicKey);

    /// <summary>
    /// X25519(privateKey, publicKey). An all-zero result (the peer sent a low-order point)
    /// is an <see cref="InvalidKeyException"/>, as RFC 7748 section 6.1 allows.
    /// </summary>
    public static void Agreement(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> shared)
    {
        if (!X25519.CalculateAgreement(privateKey, publicKey, shared[..KeyLength]))
        {
            throw new InvalidKeyException("Diffie-Hellman with a low-order public key (all-zero result).");
        }
    }
}
