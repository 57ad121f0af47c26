using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Carries a fresh per-call secret inside a Signal ratchet message, bound to the call's data
/// (for example the SDP offer), so that both ends get the same SRTP keys and nobody can move a
/// secret to another call.
/// </summary>
/// <remarks>
/// Plaintext inside the ratchet message: ASCII "VKC1" || SHA-256(call data) (32) || secret (32).
/// </remarks>
public static class CallKeyExchange
{
    private static ReadOnlySpan<byte> Magic => "VKC1"u8;

    private const int PayloadLength = 4 + 32 + CallSecret.Length;

    /// <summary>Creates a random call secret bound to <paramref name="callData"/> and encrypts it to the peer.</summary>
    /// <param name="cipher">The session cipher for the peer.</param>
    /// <param name="callData">The data to bind to, for example the UTF-8 SDP offer.</param>
    /// <returns>The message to send and the local copy of the secret.</returns>
    public static SealedCallSecret Seal(SessionCipher cipher, ReadOnlySpan<byte> callData)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        byte[] bindingHash = SHA256.HashData(callData);
        byte[] secret = RandomNumberGenerator.GetBytes(CallSecret.Length);
        Span<byte> payload = stackalloc byte[PayloadLength];
        Magic.CopyTo(payload);
        bindingHash.CopyTo(payload[4..]);
        secret.CopyTo(payload[36..]);
        try
        {
            return new SealedCallSecret(cipher.Encrypt(payload), new CallSecret(secret, bindingHash));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Decrypts a call secret and checks that it is bound to <paramref name="callData"/>.</summary>
    /// <param name="cipher">The session cipher for the peer.</param>
    /// <param name="message">The received message.</param>
    /// <param name="callData">The call data as this side sees it (must equal the sealer's).</param>
    /// <returns>The call secret.</returns>
    /// <exception cref="InvalidMessageException">Not a call secret, or bound to other call data (the message is consumed either way).</exception>
    public static CallSecret Open(SessionCipher cipher, CiphertextMessage message, ReadOnlySpan<byte> callData)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        byte[] payload = cipher.Decrypt(message);
        try
        {
            if (payload.Length != PayloadLength || !payload.AsSpan(0, 4).SequenceEqual(Magic))
            {
                throw new InvalidMessageException("Not a call secret.");
            }

            byte[] bindingHash = SHA256.HashData(callData);
            if (!CryptographicOperations.FixedTimeEquals(bindingHash, payload.AsSpan(4, 32)))
            {
                throw new InvalidMessageException("The call secret is bound to different call data.");
            }

            return new CallSecret(payload.AsSpan(36).ToArray(), bindingHash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }
}
