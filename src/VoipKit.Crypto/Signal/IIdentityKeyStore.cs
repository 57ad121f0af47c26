namespace VoipKit.Crypto.Signal;

/// <summary>The local identity and the identity keys seen for remote parties (trust on first use).</summary>
public interface IIdentityKeyStore
{
    /// <summary>The local long-term identity key pair.</summary>
    /// <returns>The key pair.</returns>
    SignalKeyPair GetIdentityKeyPair();

    /// <summary>The local registration id.</summary>
    /// <returns>The registration id.</returns>
    uint GetLocalRegistrationId();

    /// <summary>Records the identity key of a remote party (replacing any previous one).</summary>
    /// <param name="address">The remote party.</param>
    /// <param name="identityKey">Its identity key.</param>
    /// <returns>True when a different key was stored before (the identity changed).</returns>
    bool SaveIdentity(SignalProtocolAddress address, SignalPublicKey identityKey);

    /// <summary>Whether <paramref name="identityKey"/> may be used for <paramref name="address"/>: true when none is stored yet (trust on first use) or it equals the stored one.</summary>
    /// <param name="address">The remote party.</param>
    /// <param name="identityKey">The key it presents.</param>
    /// <returns>Whether it is trusted.</returns>
    bool IsTrustedIdentity(SignalProtocolAddress address, SignalPublicKey identityKey);

    /// <summary>The identity key stored for a remote party.</summary>
    /// <param name="address">The remote party.</param>
    /// <returns>The key, or null.</returns>
    SignalPublicKey? GetIdentity(SignalProtocolAddress address);
}
