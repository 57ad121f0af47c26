namespace VoipKit.Crypto.Signal;

/// <summary>The local one-time prekeys (each is deleted once a session consumed it).</summary>
public interface IPreKeyStore
{
    /// <summary>Loads a prekey.</summary>
    /// <param name="preKeyId">Its id.</param>
    /// <returns>The prekey, or null when unknown or consumed.</returns>
    PreKeyRecord? LoadPreKey(uint preKeyId);

    /// <summary>Stores a prekey.</summary>
    /// <param name="record">The prekey.</param>
    void StorePreKey(PreKeyRecord record);

    /// <summary>Whether a prekey exists.</summary>
    /// <param name="preKeyId">Its id.</param>
    /// <returns>Whether it is stored.</returns>
    bool ContainsPreKey(uint preKeyId);

    /// <summary>Deletes a prekey.</summary>
    /// <param name="preKeyId">Its id.</param>
    void RemovePreKey(uint preKeyId);
}
