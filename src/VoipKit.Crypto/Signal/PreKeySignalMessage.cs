namespace VoipKit.Crypto.Signal;

/// <summary>
/// The first messages of a session, carrying what the recipient needs to run X3DH, wire-compatible
/// with libsignal version 3: <c>0x33 || protobuf{1 preKeyId, 2 baseKey, 3 identityKey, 4 message, 5 registrationId, 6 signedPreKeyId}</c>.
/// It has no MAC of its own: the embedded <see cref="SignalMessage"/> authenticates it.
/// </summary>
public sealed class PreKeySignalMessage
{
    private readonly byte[] _serialized;

    private PreKeySignalMessage(byte[] serialized, uint registrationId, uint? preKeyId, uint signedPreKeyId, SignalPublicKey baseKey, SignalPublicKey identityKey, SignalMessage message)
    {
        _serialized = serialized;
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
    }

    /// <summary>The sender's registration id (0 if absent).</summary>
    public uint RegistrationId { get; }

    /// <summary>The recipient's one-time prekey used, if any.</summary>
    public uint? PreKeyId { get; }

    /// <summary>The recipient's signed prekey used.</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The sender's X3DH ephemeral (base) key.</summary>
    public SignalPublicKey BaseKey { get; }

    /// <summary>The sender's identity key.</summary>
    public SignalPublicKey IdentityKey { get; }

    /// <summary>The embedded normal message.</summary>
    public SignalMessage Message { get; }

    /// <summary>The full wire bytes.</summary>
    public ReadOnlyMemory<byte> Serialized => _serialized;

    /// <summary>Parses a serialized prekey message.</summary>
    /// <param name="serialized">The wire bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidVersionException">The version byte is not 3.</exception>
    /// <exception cref="InvalidMessageException">Truncated, oversize, malformed or missing fields.</exception>
    /// <exception cref="InvalidKeyException">A malformed key.</exception>
    public static PreKeySignalMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length > SignalMessage.MaxLength + 256)
        {
            throw new InvalidMessageException("Message too long.");
        }

        if (serialized.Length < 1)
        {
            throw new InvalidMessageException("Message too short.");
        }

        SignalMessage.CheckVersion(serialized[0]);
        var reader = new ProtoReader(serialized[1..]);
        uint registrationId = 0;
        uint? preKeyId = null;
        uint signedPreKeyId = 0;
        ReadOnlySpan<byte> baseKey = default;
        ReadOnlySpan<byte> identityKey = default;
        ReadOnlySpan<byte> message = default;
        int seen = 0;
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1:
                    SignalMessage.Once(ref seen, 1);
                    preKeyId = reader.ReadUInt32(wireType);
                    break;
                case 2:
                    SignalMessage.Once(ref seen, 2);
                    baseKey = reader.ReadBytes(wireType, SignalPublicKey.SerializedLength);
                    break;
                case 3:
                    SignalMessage.Once(ref seen, 4);
                    identityKey = reader.ReadBytes(wireType, SignalPublicKey.SerializedLength);
                    break;
                case 4:
                    SignalMessage.Once(ref seen, 8);
                    message = reader.ReadBytes(wireType, SignalMessage.MaxLength);
                    break;
                case 5:
                    SignalMessage.Once(ref seen, 16);
                    registrationId = reader.ReadUInt32(wireType);
                    break;
                case 6:
                    SignalMessage.Once(ref seen, 32);
                    signedPreKeyId = reader.ReadUInt32(wireType);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if ((seen & (2 | 4 | 8 | 32)) != (2 | 4 | 8 | 32))
        {
            throw new InvalidMessageException("Incomplete prekey message.");
        }

        return new PreKeySignalMessage(
            serialized.ToArray(),
            registrationId,
            preKeyId,
            signedPreKeyId,
            SignalPublicKey.Parse(baseKey),
            SignalPublicKey.Parse(identityKey),
            SignalMessage.Parse(message));
    }

    internal static PreKeySignalMessage Create(uint registrationId, uint? preKeyId, uint signedPreKeyId, SignalPublicKey baseKey, SignalPublicKey identityKey, SignalMessage message)
    {
        var writer = new ProtoWriter(128 + message.Serialized.Length);
        writer.WriteRaw([SignalMessage.VersionByte]);
        if (preKeyId is uint id)
        {
            writer.WriteUInt32(1, id);
        }

        writer.WriteBytes(2, baseKey.Serialized);
        writer.WriteBytes(3, identityKey.Serialized);
        writer.WriteBytes(4, message.Serialized.Span);
        writer.WriteUInt32(5, registrationId);
        writer.WriteUInt32(6, signedPreKeyId);
        return new PreKeySignalMessage(writer.ToArray(), registrationId, preKeyId, signedPreKeyId, baseKey, identityKey, message);
    }
}
