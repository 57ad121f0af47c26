using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Crypto.Signal;

/// <summary>The key derivations of libsignal's version 3 protocol (X3DH secret, root step, chain step, message keys).</summary>
internal static class SignalKdf
{
    public const int KeyLength = 32;
    public const int MessageKeysLength = 80;

    private static readonly byte[] X3dhInfo = Encoding.ASCII.GetBytes("WhisperText");
    private static readonly byte[] RatchetInfo = Encoding.ASCII.GetBytes("WhisperRatchet");
    private static readonly byte[] MessageKeysInfo = Encoding.ASCII.GetBytes("WhisperMessageKeys");
    private static readonly byte[] ZeroSalt = new byte[32];
    private static readonly byte[] MessageKeySeedInput = [0x01];
    private static readonly byte[] ChainKeyInput = [0x02];

    /// <summary>HKDF(salt 32 zeros, secret, "WhisperText") → root key, chain key.</summary>
    public static void DeriveInitialKeys(ReadOnlySpan<byte> secret, Span<byte> rootKey, Span<byte> chainKey)
    {
        Span<byte> output = stackalloc byte[64];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, output, ZeroSalt, X3dhInfo);
        output[..32].CopyTo(rootKey);
        output[32..].CopyTo(chainKey);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Root step: HKDF(salt = root key, DH output, "WhisperRatchet") → new root key, new chain key.</summary>
    public static void RootStep(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> dhOutput, Span<byte> newRootKey, Span<byte> chainKey)
    {
        Span<byte> output = stackalloc byte[64];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dhOutput, output, rootKey, RatchetInfo);
        output[..32].CopyTo(newRootKey);
        output[32..].CopyTo(chainKey);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Message key seed = HMAC-SHA256(chain key, 0x01).</summary>
    public static void MessageKeySeed(ReadOnlySpan<byte> chainKey, Span<byte> seed) => HMACSHA256.HashData(chainKey, MessageKeySeedInput, seed);

    /// <summary>Next chain key = HMAC-SHA256(chain key, 0x02).</summary>
    public static void NextChainKey(ReadOnlySpan<byte> chainKey, Span<byte> next) => HMACSHA256.HashData(chainKey, ChainKeyInput, next);

    /// <summary>HKDF(salt 32 zeros, seed, "WhisperMessageKeys") → cipher key 32 || MAC key 32 || IV 16.</summary>
    public static void MessageKeys(ReadOnlySpan<byte> seed, Span<byte> keys) => HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, keys[..MessageKeysLength], ZeroSalt, MessageKeysInfo);
}
