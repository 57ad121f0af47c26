namespace VoipKit.Crypto.Signal;

/// <summary>
/// A Curve25519 public key as the Signal protocol serializes it: the type byte 0x05 followed by
/// the 32-byte little-endian X25519 u-coordinate (33 bytes). Immutable; compares by value.
/// </summary>
public sealed class SignalPublicKey : IEquatable<SignalPublicKey>
{
    /// <summary>Length of a serialized key: type byte plus 32 bytes.</summary>
    public const int SerializedLength = 33;

    /// <summary>The type byte libsignal uses for Curve25519 ("DJB") keys.</summary>
    public const byte DjbType = 0x05;

    private readonly byte[] _serialized;

    private SignalPublicKey(byte[] serialized)
    {
        _serialized = serialized;
    }

    /// <summary>The serialized key (0x05 || u).</summary>
    public ReadOnlySpan<byte> Serialized => _serialized;

    /// <summary>The 32-byte X25519 u-coordinate.</summary>
    public ReadOnlySpan<byte> U => _serialized.AsSpan(1);

    /// <summary>Parses a 33-byte serialized key.</summary>
    /// <param name="serialized">0x05 followed by 32 bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidKeyException">Wrong length or type byte.</exception>
    public static SignalPublicKey Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedLength)
        {
            throw new InvalidKeyException($"A public key is {SerializedLength} bytes, not {serialized.Length}.");
        }

        if (serialized[0] != DjbType)
        {
            throw new InvalidKeyException($"Unknown public key type 0x{serialized[0]:x2}.");
        }

        return new SignalPublicKey(serialized.ToArray());
    }

    /// <summary>Wraps a raw 32-byte X25519 u-coordinate.</summary>
    /// <param name="u">The u-coordinate.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidKeyException">Not 32 bytes.</exception>
    public static SignalPublicKey FromU(ReadOnlySpan<byte> u)
    {
        if (u.Length != 32)
        {
            throw new InvalidKeyException("An X25519 public key is 32 bytes.");
        }

        byte[] serialized = new byte[SerializedLength];
        serialized[0] = DjbType;
        u.CopyTo(serialized.AsSpan(1));
        return new SignalPublicKey(serialized);
    }

    /// <summary>Returns a copy of the 33-byte serialization.</summary>
    /// <returns>0x05 || u.</returns>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>Verifies an XEdDSA signature made with the matching private key (libsignal's curve25519 signature).</summary>
    /// <param name="message">The signed message.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns>Whether the signature is valid.</returns>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => XEdDsa.Verify(U, message, signature);

    /// <inheritdoc />
    public bool Equals(SignalPublicKey? other) => other is not null && _serialized.AsSpan().SequenceEqual(other._serialized);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SignalPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_serialized, 1);

    /// <summary>The serialized key as lowercase hex.</summary>
    /// <returns>66 hex digits.</returns>
    public override string ToString() => Convert.ToHexStringLower(_serialized);
}
