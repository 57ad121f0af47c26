namespace VoipKit.Crypto.Signal;

/// <summary>
/// A thread-safe in-memory <see cref="ISignalProtocolStore"/> (tests, short-lived clients).
/// Sessions are kept serialized, so every load returns an independent copy.
/// </summary>
public class InMemorySignalProtocolStore : ISignalProtocolStore
{
    private readonly Lock _gate = new();
    private readonly SignalKeyPair _identity;
    private readonly uint _registrationId;
    private readonly Dictionary<SignalProtocolAddress, SignalPublicKey> _identities = [];
    private readonly Dictionary<uint, PreKeyRecord> _preKeys = [];
    private readonly Dictionary<uint, SignedPreKeyRecord> _signedPreKeys = [];
    private readonly Dictionary<SignalProtocolAddress, byte[]> _sessions = [];

    /// <summary>Creates a store for a local identity.</summary>
    /// <param name="identityKeyPair">The local identity key pair.</param>
    /// <param name="registrationId">The local registration id.</param>
    public InMemorySignalProtocolStore(SignalKeyPair identityKeyPair, uint registrationId)
    {
        ArgumentNullException.ThrowIfNull(identityKeyPair);
        _identity = identityKeyPair;
        _registrationId = registrationId;
    }

    /// <inheritdoc />
    public SignalKeyPair GetIdentityKeyPair() => _identity;

    /// <inheritdoc />
    public uint GetLocalRegistrationId() => _registrationId;

    /// <inheritdoc />
    public virtual bool SaveIdentity(SignalProtocolAddress address, SignalPublicKey identityKey)
    {
        lock (_gate)
        {
            bool changed = _identities.TryGetValue(address, out SignalPublicKey? old) && !old.Equals(identityKey);
            _identities[address] = identityKey;
            return changed;
        }
    }

    /// <inheritdoc />
    public bool IsTrustedIdentity(SignalProtocolAddress address, SignalPublicKey identityKey)
    {
        lock (_gate)
        {
            return !_identities.TryGetValue(address, out SignalPublicKey? known) || known.Equals(identityKey);
        }
    }

    /// <inheritdoc />
    public SignalPublicKey? GetIdentity(SignalProtocolAddress address)
    {
        lock (_gate)
        {
            return _identities.GetValueOrDefault(address);
        }
    }

    /// <inheritdoc />
    public PreKeyRecord? LoadPreKey(uint preKeyId)
    {
        lock (_gate)
        {
            return _preKeys.GetValueOrDefault(preKeyId);
        }
    }

    /// <inheritdoc />
    public virtual void StorePreKey(PreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _preKeys[record.Id] = record;
        }
    }

    /// <inheritdoc />
    public bool ContainsPreKey(uint preKeyId)
    {
        lock (_gate)
        {
            return _preKeys.ContainsKey(preKeyId);
        }
    }

    /// <inheritdoc />
    public virtual void RemovePreKey(uint preKeyId)
    {
        lock (_gate)
        {
            if (_preKeys.Remove(preKeyId, out PreKeyRecord? removed))
            {
                removed.KeyPair.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public SignedPreKeyRecord? LoadSignedPreKey(uint signedPreKeyId)
    {
        lock (_gate)
        {
            return _signedPreKeys.GetValueOrDefault(signedPreKeyId);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SignedPreKeyRecord> LoadSignedPreKeys()
    {
        lock (_gate)
        {
            return [.. _signedPreKeys.Values];
        }
    }

    /// <inheritdoc />
    public virtual void StoreSignedPreKey(SignedPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _signedPreKeys[record.Id] = record;
        }
    }

    /// <inheritdoc />
    public virtual void RemoveSignedPreKey(uint signedPreKeyId)
    {
        lock (_gate)
        {
            _signedPreKeys.Remove(signedPreKeyId);
        }
    }

    /// <inheritdoc />
    public SessionRecord? LoadSession(SignalProtocolAddress address)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(address, out byte[]? data) ? SessionRecord.Deserialize(data) : null;
        }
    }

    /// <inheritdoc />
    public virtual void StoreSession(SignalProtocolAddress address, SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] data = record.Serialize();
        lock (_gate)
        {
            _sessions[address] = data;
        }
    }

    /// <inheritdoc />
    public bool ContainsSession(SignalProtocolAddress address)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(address, out byte[]? data) && !SessionRecord.Deserialize(data).IsEmpty;
        }
    }

    /// <inheritdoc />
    public virtual void DeleteSession(SignalProtocolAddress address)
    {
        lock (_gate)
        {
            _sessions.Remove(address);
        }
    }

    /// <summary>The serialized session bytes as stored (tests inspect them for forward secrecy).</summary>
    /// <param name="address">The remote device.</param>
    /// <returns>The stored bytes, or null.</returns>
    internal byte[]? RawSession(SignalProtocolAddress address)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(address);
        }
    }
}
