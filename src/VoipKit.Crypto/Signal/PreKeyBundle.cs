using System.Buffers.Binary;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// What a device publishes so that others can start sessions with it while it is offline:
/// registration and device ids, optionally one one-time prekey, the signed prekey with its
/// signature, and the identity key.
/// </summary>
/// <remarks>
/// Binary serialization (<see cref="Serialize"/>), all integers big-endian:
/// <code>
/// offset size
///  0      1   format version = 1
///  1      4   registration id
///  5      4   device id
///  9      1   flags: bit 0 = a one-time prekey follows; other bits must be 0
/// 10      4   one-time prekey id          } only if flag bit 0
/// 14     33   one-time prekey (0x05 || u)  }
///  .      4   signed prekey id
///  .     33   signed prekey (0x05 || u)
///  .     64   signed prekey signature (XEdDSA by the identity key over the 33 key bytes)
///  .     33   identity key (0x05 || u)
/// </code>
/// Total 144 bytes without a one-time prekey, 181 with one. Nothing may follow.
/// </remarks>
public sealed class PreKeyBundle
{
    /// <summary>The serialization format version written by <see cref="Serialize"/>.</summary>
    public const byte FormatVersion = 1;

    private const int FixedLength = 1 + 4 + 4 + 1 + 4 + 33 + 64 + 33;
    private const int PreKeyLength = 4 + 33;

    /// <summary>Creates a bundle.</summary>
    /// <param name="registrationId">The owner's registration id.</param>
    /// <param name="deviceId">The owner's device id.</param>
    /// <param name="preKeyId">The one-time prekey id, or null when none is offered.</param>
    /// <param name="preKey">The one-time prekey, or null (must be null exactly when <paramref name="preKeyId"/> is).</param>
    /// <param name="signedPreKeyId">The signed prekey id.</param>
    /// <param name="signedPreKey">The signed prekey.</param>
    /// <param name="signedPreKeySignature">The 64-byte signature over the serialized signed prekey.</param>
    /// <param name="identityKey">The owner's identity key.</param>
    /// <exception cref="InvalidKeyException">Inconsistent prekey id and key, or a signature that is not 64 bytes.</exception>
    public PreKeyBundle(uint registrationId, uint deviceId, uint? preKeyId, SignalPublicKey? preKey, uint signedPreKeyId, SignalPublicKey signedPreKey, ReadOnlySpan<byte> signedPreKeySignature, SignalPublicKey identityKey)
    {
        ArgumentNullException.ThrowIfNull(signedPreKey);
        ArgumentNullException.ThrowIfNull(identityKey);
        if (preKeyId.HasValue != (preKey is not null))
        {
            throw new InvalidKeyException("A one-time prekey needs both an id and a key.");
        }

        if (signedPreKeySignature.Length != XEdDsa.SignatureLength)
        {
            throw new InvalidKeyException("A signed prekey signature is 64 bytes.");
        }

        RegistrationId = registrationId;
        DeviceId = deviceId;
        PreKeyId = preKeyId;
        PreKey = preKey;
        SignedPreKeyId = signedPreKeyId;
        SignedPreKey = signedPreKey;
        SignedPreKeySignature = signedPreKeySignature.ToArray();
        IdentityKey = identityKey;
    }

    /// <summary>The owner's registration id.</summary>
    public uint RegistrationId { get; }

    /// <summary>The owner's device id.</summary>
    public uint DeviceId { get; }

    /// <summary>The one-time prekey id, if one is offered.</summary>
    public uint? PreKeyId { get; }

    /// <summary>The one-time prekey, if one is offered.</summary>
    public SignalPublicKey? PreKey { get; }

    /// <summary>The signed prekey id.</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The signed prekey.</summary>
    public SignalPublicKey SignedPreKey { get; }

    /// <summary>The signature of the identity key over the serialized signed prekey.</summary>
    public ReadOnlyMemory<byte> SignedPreKeySignature { get; }

    /// <summary>The owner's identity key.</summary>
    public SignalPublicKey IdentityKey { get; }

    /// <summary>Serializes the bundle in the format documented on the type.</summary>
    /// <returns>144 or 181 bytes.</returns>
    public byte[] Serialize()
    {
        byte[] output = new byte[FixedLength + (PreKeyId.HasValue ? PreKeyLength : 0)];
        Span<byte> span = output;
        span[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], RegistrationId);
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], DeviceId);
        span[9] = (byte)(PreKeyId.HasValue ? 1 : 0);
        int offset = 10;
        if (PreKeyId is uint preKeyId)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[offset..], preKeyId);
            PreKey!.Serialized.CopyTo(span[(offset + 4)..]);
            offset += PreKeyLength;
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], SignedPreKeyId);
        SignedPreKey.Serialized.CopyTo(span[(offset + 4)..]);
        SignedPreKeySignature.Span.CopyTo(span[(offset + 37)..]);
        IdentityKey.Serialized.CopyTo(span[(offset + 101)..]);
        return output;
    }

    /// <summary>Parses a bundle serialized with <see cref="Serialize"/>. Does not verify the signature (<see cref="SessionBuilder"/> does).</summary>
    /// <param name="data">The serialized bundle.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="InvalidVersionException">Unknown format version.</exception>
    /// <exception cref="InvalidMessageException">Wrong length or unknown flags.</exception>
    /// <exception cref="InvalidKeyException">A key with the wrong type byte.</exception>
    public static PreKeyBundle Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1)
        {
            throw new InvalidMessageException("Empty prekey bundle.");
        }

        if (data[0] != FormatVersion)
        {
            throw new InvalidVersionException($"Unknown prekey bundle format {data[0]}.");
        }

        if (data.Length < 10)
        {
            throw new InvalidMessageException("Truncated prekey bundle.");
        }

        byte flags = data[9];
        if ((flags & ~1) != 0)
        {
            throw new InvalidMessageException("Unknown prekey bundle flags.");
        }

        bool hasPreKey = (flags & 1) != 0;
        if (data.Length != FixedLength + (hasPreKey ? PreKeyLength : 0))
        {
            throw new InvalidMessageException("Prekey bundle has the wrong length.");
        }

        uint registrationId = BinaryPrimitives.ReadUInt32BigEndian(data[1..]);
        uint deviceId = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        int offset = 10;
        uint? preKeyId = null;
        SignalPublicKey? preKey = null;
        if (hasPreKey)
        {
            preKeyId = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            preKey = SignalPublicKey.Parse(data.Slice(offset + 4, 33));
            offset += PreKeyLength;
        }

        uint signedPreKeyId = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
        SignalPublicKey signedPreKey = SignalPublicKey.Parse(data.Slice(offset + 4, 33));
        ReadOnlySpan<byte> signature = data.Slice(offset + 37, 64);
        SignalPublicKey identityKey = SignalPublicKey.Parse(data.Slice(offset + 101, 33));
        return new PreKeyBundle(registrationId, deviceId, preKeyId, preKey, signedPreKeyId, signedPreKey, signature, identityKey);
    }
}
