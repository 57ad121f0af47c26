namespace VoipKit.Crypto.Signal;

/// <summary>
/// Session records per remote device. <see cref="LoadSession"/> must return an independent copy
/// (for example by deserializing): callers change it and store it back only on success.
/// </summary>
public interface ISessionStore
{
    /// <summary>Loads a copy of the session record for a remote device.</summary>
    /// <param name="address">The remote device.</param>
    /// <returns>The record, or null when there is none.</returns>
    SessionRecord? LoadSession(SignalProtocolAddress address);

    /// <summary>Stores (replaces) the session record for a remote device.</summary>
    /// <param name="address">The remote device.</param>
    /// <param name="record">The record.</param>
    void StoreSession(SignalProtocolAddress address, SessionRecord record);

    /// <summary>Whether a session exists with a remote device.</summary>
    /// <param name="address">The remote device.</param>
    /// <returns>Whether a non-empty record is stored.</returns>
    bool ContainsSession(SignalProtocolAddress address);

    /// <summary>Deletes the session record of a remote device.</summary>
    /// <param name="address">The remote device.</param>
    void DeleteSession(SignalProtocolAddress address);
}
