using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>The X3DH agreement as libsignal version 3 applies it, for both sides.</summary>
internal static class X3dh
{
    /// <summary>
    /// Alice: secret = 0xFF*32 || DH(IK_A, SPK_B) || DH(EK_A, IK_B) || DH(EK_A, SPK_B) [|| DH(EK_A, OPK_B)],
    /// then HKDF → root key, chain key.
    /// </summary>
    public static void Alice(SignalKeyPair identity, SignalKeyPair baseKey, SignalPublicKey theirIdentity, SignalPublicKey theirSignedPreKey, SignalPublicKey? theirOneTimePreKey, Span<byte> rootKey, Span<byte> chainKey)
    {
        Span<byte> secret = stackalloc byte[32 * 5];
        int length = 32 * 4;
        secret[..32].Fill(0xFF);
        identity.Agreement(theirSignedPreKey, secret[32..]);
        baseKey.Agreement(theirIdentity, secret[64..]);
        baseKey.Agreement(theirSignedPreKey, secret[96..]);
        if (theirOneTimePreKey is not null)
        {
            baseKey.Agreement(theirOneTimePreKey, secret[128..]);
            length += 32;
        }

        SignalKdf.DeriveInitialKeys(secret[..length], rootKey, chainKey);
        CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>Bob: the same secret computed from his private keys and Alice's public keys.</summary>
    public static void Bob(SignalKeyPair identity, SignalKeyPair signedPreKey, SignalKeyPair? oneTimePreKey, SignalPublicKey theirIdentity, SignalPublicKey theirBaseKey, Span<byte> rootKey, Span<byte> chainKey)
    {
        Span<byte> secret = stackalloc byte[32 * 5];
        int length = 32 * 4;
        secret[..32].Fill(0xFF);
        signedPreKey.Agreement(theirIdentity, secret[32..]);
        identity.Agreement(theirBaseKey, secret[64..]);
        signedPreKey.Agreement(theirBaseKey, secret[96..]);
        if (oneTimePreKey is not null)
        {
            oneTimePreKey.Agreement(theirBaseKey, secret[128..]);
            length += 32;
        }

        SignalKdf.DeriveInitialKeys(secret[..length], rootKey, chainKey);
        CryptographicOperations.ZeroMemory(secret);
    }
}
