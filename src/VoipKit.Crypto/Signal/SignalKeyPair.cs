using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// A Curve25519 key pair (identity key, prekey, signed prekey or ratchet key). The private key is
/// clamped as X25519 requires. Dispose to wipe the private key.
/// </summary>
public sealed class SignalKeyPair : IDisposable
{
    private readonly byte[] _privateKey;

    private SignalKeyPair(byte[] privateKey)
    {
        _privateKey = privateKey;
        Span<byte> u = stackalloc byte[32];
        Curve25519.PublicKey(_privateKey, u);
        PublicKey = SignalPublicKey.FromU(u);
    }

    private SignalKeyPair(byte[] privateKey, SignalPublicKey publicKey)
    {
        _privateKey = privateKey;
        PublicKey = publicKey;
    }

    /// <summary>The public half.</summary>
    public SignalPublicKey PublicKey { get; }

    internal ReadOnlySpan<byte> PrivateKey => _privateKey;

    /// <summary>Generates a fresh key pair from the system's cryptographic random generator.</summary>
    /// <returns>The key pair.</returns>
    public static SignalKeyPair Generate()
    {
        byte[] privateKey = new byte[32];
        Curve25519.GeneratePrivateKey(privateKey);
        return new SignalKeyPair(privateKey);
    }

    /// <summary>Restores a key pair from its 32-byte private key (as returned by <see cref="ExportPrivateKey"/>).</summary>
    /// <param name="privateKey">The private key; it is clamped.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="InvalidKeyException">Not 32 bytes.</exception>
    public static SignalKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32)
        {
            throw new InvalidKeyException("A Curve25519 private key is 32 bytes.");
        }

        byte[] copy = privateKey.ToArray();
        Curve25519.Clamp(copy);
        return new SignalKeyPair(copy);
    }

    /// <summary>
    /// Restores a key pair from our own storage, trusting the stored public key instead of
    /// recomputing it (a scalar multiplication per session load otherwise).
    /// </summary>
    internal static SignalKeyPair FromStoredKeys(ReadOnlySpan<byte> privateKey, SignalPublicKey publicKey)
    {
        if (privateKey.Length != 32)
        {
            throw new InvalidKeyException("A Curve25519 private key is 32 bytes.");
        }

        return new SignalKeyPair(privateKey.ToArray(), publicKey);
    }

    /// <summary>Returns a copy of the 32-byte private key, for a key store to persist. Wipe it after use.</summary>
    /// <returns>The private key.</returns>
    public byte[] ExportPrivateKey() => (byte[])_privateKey.Clone();

    /// <summary>Signs a message with XEdDSA (libsignal's curve25519 signature), 64 bytes.</summary>
    /// <param name="message">The message, for example a serialized signed prekey.</param>
    /// <returns>The signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message) => XEdDsa.Sign(_privateKey, message);

    /// <summary>Computes the X25519 shared secret with a peer's public key.</summary>
    /// <param name="publicKey">The peer's key.</param>
    /// <param name="shared">Receives 32 bytes.</param>
    /// <exception cref="InvalidKeyException">The peer's key is of low order (all-zero result).</exception>
    internal void Agreement(SignalPublicKey publicKey, Span<byte> shared) => Curve25519.Agreement(_privateKey, publicKey.U, shared);

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);
}
