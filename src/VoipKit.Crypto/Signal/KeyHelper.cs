using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>Generates the keys a device publishes: identity key pair, registration id, one-time prekeys, signed prekey.</summary>
public static class KeyHelper
{
    /// <summary>The largest prekey id libsignal uses (ids wrap below 0xFFFFFF).</summary>
    public const uint MaxPreKeyId = 0xFFFFFE;

    /// <summary>Generates a long-term identity key pair.</summary>
    /// <returns>The key pair.</returns>
    public static SignalKeyPair GenerateIdentityKeyPair() => SignalKeyPair.Generate();

    /// <summary>Generates a random registration id in 1..16380, as libsignal does.</summary>
    /// <returns>The registration id.</returns>
    public static uint GenerateRegistrationId() => (uint)RandomNumberGenerator.GetInt32(1, 16381);

    /// <summary>Generates <paramref name="count"/> one-time prekeys with consecutive ids from <paramref name="startId"/>, wrapping after <see cref="MaxPreKeyId"/>.</summary>
    /// <param name="startId">The first id.</param>
    /// <param name="count">How many (1 to 1000).</param>
    /// <returns>The prekeys.</returns>
    public static IReadOnlyList<PreKeyRecord> GeneratePreKeys(uint startId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1000);
        var keys = new List<PreKeyRecord>(count);
        for (int i = 0; i < count; i++)
        {
            uint id = (uint)(((ulong)startId - 1 + (ulong)i) % MaxPreKeyId) + 1;
            keys.Add(new PreKeyRecord(id, SignalKeyPair.Generate()));
        }

        return keys;
    }

    /// <summary>Generates a signed prekey: a fresh key pair signed by the identity key.</summary>
    /// <param name="identityKeyPair">The identity key pair that signs.</param>
    /// <param name="signedPreKeyId">The id to publish.</param>
    /// <param name="timeProvider">Clock for the timestamp.</param>
    /// <returns>The signed prekey.</returns>
    public static SignedPreKeyRecord GenerateSignedPreKey(SignalKeyPair identityKeyPair, uint signedPreKeyId, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(identityKeyPair);
        ArgumentNullException.ThrowIfNull(timeProvider);
        SignalKeyPair keyPair = SignalKeyPair.Generate();
        byte[] signature = identityKeyPair.Sign(keyPair.PublicKey.Serialized);
        return new SignedPreKeyRecord(signedPreKeyId, timeProvider.GetUtcNow(), keyPair, signature);
    }
}
