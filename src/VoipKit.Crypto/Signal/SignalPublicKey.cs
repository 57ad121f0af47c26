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
    /// <exception cref="InvalidKeyException">Wrong length or type byte, or a non-canonical (unreduced) coordinate.</exception>
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

        CheckCanonical(serialized[1..]);
        return new SignalPublicKey(serialized.ToArray());
    }

    /// <summary>Wraps a raw 32-byte X25519 u-coordinate.</summary>
    /// <param name="u">The u-coordinate.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidKeyException">Not 32 bytes, or a non-canonical (unreduced) coordinate.</exception>
    public static SignalPublicKey FromU(ReadOnlySpan<byte> u)
    {
        if (u.Length != 32)
        {
            throw new InvalidKeyException("An X25519 public key is 32 bytes.");
        }

        CheckCanonical(u);
        byte[] serialized = new byte[SerializedLength];
        serialized[0] = DjbType;
        u.CopyTo(serialized.AsSpan(1));
        return new SignalPublicKey(serialized);
    }

    /// <summary>
    /// Rejects u-coordinates that are not reduced (top bit set, or at least 2^255 - 19). X25519
    /// would silently reduce them, so accepting them would let anyone change a key's bytes
    /// without changing the key; honest peers never produce them.
    /// </summary>
    private static void CheckCanonical(ReadOnlySpan<byte> u)
    {
        if ((u[31] & 0x80) != 0)
        {
            throw new InvalidKeyException("Public key has the top bit set.");
        }

        if (u[31] == 0x7F && u[0] >= 0xED && u[1..31].IndexOfAnyExcept((byte)0xFF) < 0)
        {
            throw new InvalidKeyException("Public key is not reduced modulo 2^255 - 19.");
        }
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
