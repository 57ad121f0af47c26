using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>Starts sessions with a remote device: as the initiator from its <see cref="PreKeyBundle"/> (X3DH, Alice's side).</summary>
public sealed class SessionBuilder
{
    private readonly ISignalProtocolStore _store;
    private readonly SignalProtocolAddress _remoteAddress;

    /// <summary>Creates a builder for sessions with one remote device.</summary>
    /// <param name="store">The local store.</param>
    /// <param name="remoteAddress">The remote device.</param>
    public SessionBuilder(ISignalProtocolStore store, SignalProtocolAddress remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        _store = store;
        _remoteAddress = remoteAddress;
    }

    /// <summary>
    /// Verifies the bundle and runs X3DH as the initiator. The new session becomes current (an
    /// older one is archived); messages encrypted on it are <see cref="PreKeySignalMessage"/>s
    /// until the peer answers.
    /// </summary>
    /// <param name="bundle">The remote device's bundle.</param>
    /// <exception cref="UntrustedIdentityException">The bundle's identity key differs from the one stored for the address.</exception>
    /// <exception cref="InvalidKeyException">Bad signed prekey signature, or a low-order key.</exception>
    public void ProcessPreKeyBundle(PreKeyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!_store.IsTrustedIdentity(_remoteAddress, bundle.IdentityKey))
        {
            throw new UntrustedIdentityException(_remoteAddress, bundle.IdentityKey);
        }

        if (!bundle.IdentityKey.VerifySignature(bundle.SignedPreKey.Serialized, bundle.SignedPreKeySignature.Span))
        {
            throw new InvalidKeyException("The signed prekey's signature does not verify.");
        }

        SessionRecord record = _store.LoadSession(_remoteAddress) ?? new SessionRecord();
        SignalKeyPair identity = _store.GetIdentityKeyPair();
        using SignalKeyPair baseKey = SignalKeyPair.Generate();
        byte[] rootKey = new byte[32];
        byte[] receiveChainKey = new byte[32];
        X3dh.Alice(identity, baseKey, bundle.IdentityKey, bundle.SignedPreKey, bundle.PreKey, rootKey, receiveChainKey);

        // Bob's signed prekey is his first ratchet key: keep a receiving chain for it, and start
        // our sending chain with a root step over DH(our new ratchet key, his signed prekey).
        SignalKeyPair sendingRatchet = SignalKeyPair.Generate();
        Span<byte> dh = stackalloc byte[32];
        sendingRatchet.Agreement(bundle.SignedPreKey, dh);
        byte[] newRootKey = new byte[32];
        byte[] sendChainKey = new byte[32];
        SignalKdf.RootStep(rootKey, dh, newRootKey, sendChainKey);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(rootKey);

        var state = new SessionState(identity.PublicKey, bundle.IdentityKey, newRootKey, sendingRatchet, sendChainKey)
        {
            PendingPreKey = new PendingPreKey(bundle.PreKeyId, bundle.SignedPreKeyId, baseKey.PublicKey),
            LocalRegistrationId = _store.GetLocalRegistrationId(),
            RemoteRegistrationId = bundle.RegistrationId,
            AliceBaseKey = baseKey.PublicKey,
        };
        state.AddReceiverChain(new ReceiverChain(bundle.SignedPreKey, receiveChainKey, 0));
        record.Promote(state);
        _store.SaveIdentity(_remoteAddress, bundle.IdentityKey);
        _store.StoreSession(_remoteAddress, record);
    }

    /// <summary>
    /// Bob's side: sets up a session from a prekey message in <paramref name="record"/> (unless
    /// one with the same base key exists). Returns the one-time prekey id to delete once the
    /// message decrypted, or null.
    /// </summary>
    internal static uint? ProcessPreKeyMessage(ISignalProtocolStore store, SessionRecord record, PreKeySignalMessage message)
    {
        if (record.HasSessionWithBaseKey(message.BaseKey))
        {
            return null;
        }

        SignedPreKeyRecord signedPreKey = store.LoadSignedPreKey(message.SignedPreKeyId)
            ?? throw new InvalidKeyIdException($"No signed prekey with id {message.SignedPreKeyId}.");
        PreKeyRecord? oneTimePreKey = null;
        if (message.PreKeyId is uint preKeyId)
        {
            oneTimePreKey = store.LoadPreKey(preKeyId) ?? throw new InvalidKeyIdException($"No one-time prekey with id {preKeyId} (never issued or already used).");
        }

        SignalKeyPair identity = store.GetIdentityKeyPair();
        byte[] rootKey = new byte[32];
        byte[] chainKey = new byte[32];
        X3dh.Bob(identity, signedPreKey.KeyPair, oneTimePreKey?.KeyPair, message.IdentityKey, message.BaseKey, rootKey, chainKey);

        // The signed prekey doubles as Bob's first ratchet key (a copy: the store keeps its own).
        byte[] ratchetPrivate = signedPreKey.KeyPair.ExportPrivateKey();
        SignalKeyPair ratchet = SignalKeyPair.FromStoredKeys(ratchetPrivate, signedPreKey.KeyPair.PublicKey);
        CryptographicOperations.ZeroMemory(ratchetPrivate);
        var state = new SessionState(identity.PublicKey, message.IdentityKey, rootKey, ratchet, chainKey)
        {
            LocalRegistrationId = store.GetLocalRegistrationId(),
            RemoteRegistrationId = message.RegistrationId,
            AliceBaseKey = message.BaseKey,
        };
        record.Promote(state);
        return message.PreKeyId;
    }
}
