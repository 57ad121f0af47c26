using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Encrypts and decrypts messages on the session with one remote device (the Double Ratchet).
/// A failed decryption never changes the stored session: work happens on a copy that is stored
/// only on success. Not thread-safe for one remote address: serialize calls per address.
/// </summary>
public sealed class SessionCipher
{
    private readonly ISignalProtocolStore _store;
    private readonly SignalProtocolAddress _remoteAddress;

    /// <summary>Creates a cipher for the session with one remote device.</summary>
    /// <param name="store">The local store.</param>
    /// <param name="remoteAddress">The remote device.</param>
    public SessionCipher(ISignalProtocolStore store, SignalProtocolAddress remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        _store = store;
        _remoteAddress = remoteAddress;
    }

    /// <summary>Encrypts a message on the current session.</summary>
    /// <param name="plaintext">The message.</param>
    /// <returns>A type 3 message until the peer has answered, then type 2.</returns>
    /// <exception cref="NoSessionException">No session with the remote device.</exception>
    /// <exception cref="UntrustedIdentityException">The peer's identity key is no longer trusted.</exception>
    public CiphertextMessage Encrypt(ReadOnlySpan<byte> plaintext)
    {
        SessionRecord record = _store.LoadSession(_remoteAddress) ?? throw new NoSessionException($"No session with {_remoteAddress}.");
        SessionState state = record.Current ?? throw new NoSessionException($"No session with {_remoteAddress}.");
        if (!_store.IsTrustedIdentity(_remoteAddress, state.RemoteIdentity))
        {
            throw new UntrustedIdentityException(_remoteAddress, state.RemoteIdentity);
        }

        if (state.SenderCounter == uint.MaxValue)
        {
            throw new InvalidOperationException("Sending chain exhausted.");
        }

        Span<byte> seed = stackalloc byte[32];
        Span<byte> keys = stackalloc byte[SignalKdf.MessageKeysLength];
        SignalKdf.MessageKeySeed(state.SenderChainKey, seed);
        SignalKdf.MessageKeys(seed, keys);
        byte[] ciphertext;
        byte[] aesKey = keys[..32].ToArray();
        try
        {
            using Aes aes = Aes.Create();
            aes.Key = aesKey;
            ciphertext = aes.EncryptCbc(plaintext, keys.Slice(64, 16), PaddingMode.PKCS7);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }

        SignalMessage message = SignalMessage.Create(keys.Slice(32, 32), state.SenderRatchet.PublicKey, state.SenderCounter, state.PreviousCounter, ciphertext, state.LocalIdentity, state.RemoteIdentity);
        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(keys);

        byte[] next = new byte[32];
        SignalKdf.NextChainKey(state.SenderChainKey, next);
        CryptographicOperations.ZeroMemory(state.SenderChainKey);
        state.SenderChainKey = next;
        state.SenderCounter++;

        CiphertextMessage result = state.PendingPreKey is PendingPreKey pending
            ? new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, PreKeySignalMessage.Create(state.LocalRegistrationId, pending.PreKeyId, pending.SignedPreKeyId, pending.BaseKey, state.LocalIdentity, message).Serialized)
            : new CiphertextMessage(CiphertextMessageType.SignalMessage, message.Serialized);
        _store.StoreSession(_remoteAddress, record);
        return result;
    }

    /// <summary>Decrypts a message of either type.</summary>
    /// <param name="message">The message as received.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="InvalidMessageException">Malformed, unauthenticated or undecryptable.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    /// <exception cref="NoSessionException">A type 2 message without a session.</exception>
    /// <exception cref="InvalidKeyIdException">A prekey message naming an unknown or consumed prekey.</exception>
    /// <exception cref="UntrustedIdentityException">A prekey message from a changed identity key.</exception>
    /// <exception cref="InvalidKeyException">A malformed or low-order key.</exception>
    public byte[] Decrypt(CiphertextMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Type switch
        {
            CiphertextMessageType.PreKeySignalMessage => Decrypt(PreKeySignalMessage.Parse(message.Serialized.Span)),
            CiphertextMessageType.SignalMessage => Decrypt(SignalMessage.Parse(message.Serialized.Span)),
            _ => throw new InvalidMessageException($"Unknown message type {(int)message.Type}."),
        };
    }

    /// <summary>Decrypts a prekey message, setting up the session (X3DH, Bob's side) if it is new.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="InvalidMessageException">Unauthenticated or undecryptable.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    /// <exception cref="InvalidKeyIdException">Unknown or consumed prekey, or unknown signed prekey.</exception>
    /// <exception cref="UntrustedIdentityException">The sender's identity key changed.</exception>
    /// <exception cref="InvalidKeyException">A low-order key.</exception>
    public byte[] Decrypt(PreKeySignalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_store.IsTrustedIdentity(_remoteAddress, message.IdentityKey))
        {
            throw new UntrustedIdentityException(_remoteAddress, message.IdentityKey);
        }

        SessionRecord record = _store.LoadSession(_remoteAddress)?.Clone() ?? new SessionRecord();
        uint? consumedPreKeyId = SessionBuilder.ProcessPreKeyMessage(_store, record, message);
        byte[] plaintext = DecryptRecord(record, message.Message);
        _store.SaveIdentity(_remoteAddress, message.IdentityKey);
        _store.StoreSession(_remoteAddress, record);
        if (consumedPreKeyId is uint id)
        {
            _store.RemovePreKey(id);
        }

        return plaintext;
    }

    /// <summary>Decrypts a normal message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="NoSessionException">No session with the remote device.</exception>
    /// <exception cref="InvalidMessageException">Unauthenticated or undecryptable.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    public byte[] Decrypt(SignalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The store returns an independent copy, and DecryptRecord changes it only on success.
        SessionRecord record = _store.LoadSession(_remoteAddress) ?? throw new NoSessionException($"No session with {_remoteAddress}.");
        if (record.IsEmpty)
        {
            throw new NoSessionException($"No session with {_remoteAddress}.");
        }

        byte[] plaintext = DecryptRecord(record, message);
        if (!_store.IsTrustedIdentity(_remoteAddress, record.Current!.RemoteIdentity))
        {
            throw new UntrustedIdentityException(_remoteAddress, record.Current.RemoteIdentity);
        }

        _store.StoreSession(_remoteAddress, record);
        return plaintext;
    }

    /// <summary>Tries the current session, then the archived ones; the one that works becomes current.</summary>
    private static byte[] DecryptRecord(SessionRecord record, SignalMessage message)
    {
        if (record.IsEmpty)
        {
            throw new NoSessionException("No session.");
        }

        // A failed attempt may have advanced a state, so each attempt works on a copy.
        InvalidMessageException? firstError = null;
        SessionState attempt = SessionRecord.CloneState(record.Current!);
        try
        {
            byte[] plaintext = DecryptState(attempt, message);
            record.Current = attempt;
            return plaintext;
        }
        catch (InvalidMessageException e)
        {
            firstError = e;
        }

        for (int i = 0; i < record.Previous.Count; i++)
        {
            SessionState candidate = SessionRecord.CloneState(record.Previous[i]);
            try
            {
                byte[] plaintext = DecryptState(candidate, message);
                record.Previous.RemoveAt(i);
                record.Promote(candidate);
                return plaintext;
            }
            catch (InvalidMessageException)
            {
                // Not this one: try the next archived session.
            }
        }

        throw new InvalidMessageException("No session could decrypt the message.", firstError);
    }

    private static byte[] DecryptState(SessionState state, SignalMessage message)
    {
        ReceiverChain chain = GetOrCreateReceiverChain(state, message.RatchetKey);
        Span<byte> seed = stackalloc byte[32];
        Span<byte> keys = stackalloc byte[SignalKdf.MessageKeysLength];
        try
        {
            TakeMessageKeySeed(chain, message.Counter, seed);
            SignalKdf.MessageKeys(seed, keys);
            if (!message.VerifyMac(keys.Slice(32, 32), state.RemoteIdentity, state.LocalIdentity))
            {
                throw new InvalidMessageException("Bad MAC.");
            }

            byte[] plaintext;
            byte[] aesKey = keys[..32].ToArray();
            try
            {
                using Aes aes = Aes.Create();
                aes.Key = aesKey;
                plaintext = aes.DecryptCbc(message.Ciphertext.Span, keys.Slice(64, 16), PaddingMode.PKCS7);
            }
            catch (CryptographicException e)
            {
                throw new InvalidMessageException("Bad padding.", e);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(aesKey);
            }

            // The peer has answered: stop repeating the X3DH setup.
            state.PendingPreKey = null;
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    private static ReceiverChain GetOrCreateReceiverChain(SessionState state, SignalPublicKey theirRatchetKey)
    {
        ReceiverChain? existing = state.FindReceiverChain(theirRatchetKey);
        if (existing is not null)
        {
            return existing;
        }

        // DH ratchet step: a receiving chain for their new key, then a fresh sending chain.
        Span<byte> dh = stackalloc byte[32];
        byte[] rootKey = new byte[32];
        byte[] receiveChainKey = new byte[32];
        try
        {
            state.SenderRatchet.Agreement(theirRatchetKey, dh);
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("Low-order ratchet key.", e);
        }

        SignalKdf.RootStep(state.RootKey, dh, rootKey, receiveChainKey);
        SignalKeyPair newRatchet = SignalKeyPair.Generate();
        newRatchet.Agreement(theirRatchetKey, dh);
        byte[] newRootKey = new byte[32];
        byte[] sendChainKey = new byte[32];
        SignalKdf.RootStep(rootKey, dh, newRootKey, sendChainKey);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(rootKey);

        CryptographicOperations.ZeroMemory(state.RootKey);
        CryptographicOperations.ZeroMemory(state.SenderChainKey);
        state.SenderRatchet.Dispose();
        state.RootKey = newRootKey;
        state.PreviousCounter = state.SenderCounter == 0 ? 0 : state.SenderCounter - 1;
        state.SenderRatchet = newRatchet;
        state.SenderChainKey = sendChainKey;
        state.SenderCounter = 0;
        var chain = new ReceiverChain(theirRatchetKey, receiveChainKey, 0);
        state.AddReceiverChain(chain);
        return chain;
    }

    private static void TakeMessageKeySeed(ReceiverChain chain, uint counter, Span<byte> seed)
    {
        if (counter < chain.Counter)
        {
            for (int i = 0; i < chain.Skipped.Count; i++)
            {
                if (chain.Skipped[i].Counter == counter)
                {
                    byte[] stored = chain.Skipped[i].Seed;
                    stored.CopyTo(seed);
                    CryptographicOperations.ZeroMemory(stored);
                    chain.Skipped.RemoveAt(i);
                    return;
                }
            }

            throw new DuplicateMessageException($"Message {counter} was already received.");
        }

        if (counter - chain.Counter > SessionState.MaxForwardJump || counter == uint.MaxValue)
        {
            throw new InvalidMessageException("Message too far into the future.");
        }

        byte[] chainKey = chain.ChainKey;
        while (chain.Counter < counter)
        {
            byte[] skippedSeed = new byte[32];
            SignalKdf.MessageKeySeed(chainKey, skippedSeed);
            if (chain.Skipped.Count >= SessionState.MaxSkippedKeysPerChain)
            {
                CryptographicOperations.ZeroMemory(chain.Skipped[0].Seed);
                chain.Skipped.RemoveAt(0);
            }

            chain.Skipped.Add((chain.Counter, skippedSeed));
            byte[] next = new byte[32];
            SignalKdf.NextChainKey(chainKey, next);
            CryptographicOperations.ZeroMemory(chainKey);
            chainKey = next;
            chain.Counter++;
        }

        SignalKdf.MessageKeySeed(chainKey, seed);
        byte[] following = new byte[32];
        SignalKdf.NextChainKey(chainKey, following);
        CryptographicOperations.ZeroMemory(chainKey);
        chain.ChainKey = following;
        chain.Counter = counter + 1;
    }
}
