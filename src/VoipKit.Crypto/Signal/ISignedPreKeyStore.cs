namespace VoipKit.Crypto.Signal;

/// <summary>The local signed prekeys.</summary>
public interface ISignedPreKeyStore
{
    /// <summary>Loads a signed prekey.</summary>
    /// <param name="signedPreKeyId">Its id.</param>
    /// <returns>The signed prekey, or null.</returns>
    SignedPreKeyRecord? LoadSignedPreKey(uint signedPreKeyId);

    /// <summary>All stored signed prekeys.</summary>
    /// <returns>The signed prekeys.</returns>
    IReadOnlyList<SignedPreKeyRecord> LoadSignedPreKeys();

    /// <summary>Stores a signed prekey.</summary>
    /// <param name="record">The signed prekey.</param>
    void StoreSignedPreKey(SignedPreKeyRecord record);

    /// <summary>Deletes a signed prekey.</summary>
    /// <param name="signedPreKeyId">Its id.</param>
    void RemoveSignedPreKey(uint signedPreKeyId);
}
