using System.Security.Cryptography;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// A normal Double Ratchet message, wire-compatible with libsignal version 3:
/// <c>0x33 || protobuf{1 ratchetKey, 2 counter, 3 previousCounter, 4 ciphertext} || MAC(8)</c>.
/// </summary>
public sealed class SignalMessage
{
    /// <summary>The protocol version this implementation speaks.</summary>
    public const int CurrentVersion = 3;

    /// <summary>The version byte in front of every message: (3 &lt;&lt; 4) | 3.</summary>
    public const byte VersionByte = (CurrentVersion << 4) | CurrentVersion;

    /// <summary>Length of the truncated HMAC-SHA256 at the end.</summary>
    public const int MacLength = 8;

    /// <summary>The largest serialized message accepted (64 KiB); call signalling messages are far smaller.</summary>
    public const int MaxLength = 64 * 1024;

    private readonly byte[] _serialized;

    private SignalMessage(byte[] serialized, SignalPublicKey ratchetKey, uint counter, uint previousCounter, byte[] ciphertext)
    {
        _serialized = serialized;
        RatchetKey = ratchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Ciphertext = ciphertext;
    }

    /// <summary>The sender's current ratchet public key.</summary>
    public SignalPublicKey RatchetKey { get; }

    /// <summary>The message's index in the sender's chain.</summary>
    public uint Counter { get; }

    /// <summary>The length of the sender's previous chain.</summary>
    public uint PreviousCounter { get; }

    /// <summary>The AES-256-CBC ciphertext.</summary>
    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>The full wire bytes.</summary>
    public ReadOnlyMemory<byte> Serialized => _serialized;

    /// <summary>Parses a serialized message. The MAC is checked later, by the session that decrypts it.</summary>
    /// <param name="serialized">The wire bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidVersionException">The version byte is not 3.</exception>
    /// <exception cref="InvalidMessageException">Truncated, oversize, malformed or missing fields.</exception>
    /// <exception cref="InvalidKeyException">The ratchet key is malformed.</exception>
    public static SignalMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length > MaxLength)
        {
            throw new InvalidMessageException("Message too long.");
        }

        if (serialized.Length < 1 + MacLength)
        {
            throw new InvalidMessageException("Message too short.");
        }

        CheckVersion(serialized[0]);
        var reader = new ProtoReader(serialized[1..^MacLength]);
        ReadOnlySpan<byte> ratchetKey = default;
        ReadOnlySpan<byte> ciphertext = default;
        uint counter = 0;
        uint previousCounter = 0;
        int seen = 0;
        while (!reader.End)
        {
            reader.ReadTag(out int field, out int wireType);
            switch (field)
            {
                case 1:
                    Once(ref seen, 1);
                    ratchetKey = reader.ReadBytes(wireType, SignalPublicKey.SerializedLength);
                    break;
                case 2:
                    Once(ref seen, 2);
                    counter = reader.ReadUInt32(wireType);
                    break;
                case 3:
                    Once(ref seen, 4);
                    previousCounter = reader.ReadUInt32(wireType);
                    break;
                case 4:
                    Once(ref seen, 8);
                    ciphertext = reader.ReadBytes(wireType, MaxLength);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if ((seen & (1 | 2 | 8)) != (1 | 2 | 8))
        {
            throw new InvalidMessageException("Incomplete message.");
        }

        if (ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
        {
            throw new InvalidMessageException("Ciphertext is not a whole number of AES blocks.");
        }

        return new SignalMessage(serialized.ToArray(), SignalPublicKey.Parse(ratchetKey), counter, previousCounter, ciphertext.ToArray());
    }

    internal static void CheckVersion(byte versionByte)
    {
        // libsignal reads the high nibble as the message version and the low one as the sender's
        // highest version. Version 3 peers always send 0x33; we accept exactly that, so that no
        // bit of the (unauthenticated) prekey message wrapper's version byte can be changed.
        if (versionByte != VersionByte)
        {
            throw new InvalidVersionException($"Unsupported message version byte 0x{versionByte:x2}.");
        }
    }

    internal static void Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0)
        {
            throw new InvalidMessageException("Repeated protobuf field.");
        }

        seen |= bit;
    }

    internal static SignalMessage Create(ReadOnlySpan<byte> macKey, SignalPublicKey ratchetKey, uint counter, uint previousCounter, byte[] ciphertext, SignalPublicKey senderIdentity, SignalPublicKey receiverIdentity)
    {
        var writer = new ProtoWriter(64 + ciphertext.Length);
        writer.WriteRaw([VersionByte]);
        writer.WriteBytes(1, ratchetKey.Serialized);
        writer.WriteUInt32(2, counter);
        writer.WriteUInt32(3, previousCounter);
        writer.WriteBytes(4, ciphertext);
        byte[] serialized = new byte[writer.Length + MacLength];
        writer.WrittenSpan.CopyTo(serialized);
        ComputeMac(macKey, senderIdentity, receiverIdentity, serialized.AsSpan(0, writer.Length), serialized.AsSpan(writer.Length));
        return new SignalMessage(serialized, ratchetKey, counter, previousCounter, ciphertext);
    }

    internal bool VerifyMac(ReadOnlySpan<byte> macKey, SignalPublicKey senderIdentity, SignalPublicKey receiverIdentity)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(macKey, senderIdentity, receiverIdentity, _serialized.AsSpan(0, _serialized.Length - MacLength), expected);
        return CryptographicOperations.FixedTimeEquals(expected, _serialized.AsSpan(_serialized.Length - MacLength));
    }

    private static void ComputeMac(ReadOnlySpan<byte> macKey, SignalPublicKey senderIdentity, SignalPublicKey receiverIdentity, ReadOnlySpan<byte> versionAndBody, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
        hmac.AppendData(senderIdentity.Serialized);
        hmac.AppendData(receiverIdentity.Serialized);
        hmac.AppendData(versionAndBody);
        Span<byte> full = stackalloc byte[32];
        hmac.GetHashAndReset(full);
        full[..MacLength].CopyTo(mac);
    }
}
