using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Transport.Stun;

/// <summary>
/// STUN credentials and message checks (RFC 8489 sections 9, 14.5–14.7): key derivation, and
/// constant-time verification of MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT.
/// </summary>
internal static class StunIntegrity
{
    /// <summary>PASSWORD-ALGORITHM MD5 (RFC 8489 section 18.5).</summary>
    public const ushort AlgorithmMd5 = 0x0001;

    /// <summary>PASSWORD-ALGORITHM SHA-256.</summary>
    public const ushort AlgorithmSha256 = 0x0002;

    // Messages are datagrams; anything longer is copied through a pooled array instead of the stack.
    private const int StackLimit = 1024;

    /// <summary>Short-term credential key: SASLprep(password) as UTF-8 (section 9.1.1).</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(Saslprep.Prepare(password));

    /// <summary>
    /// Long-term credential key (section 9.2.2): MD5 or SHA-256 of username ":" realm ":" SASLprep(password).
    /// The username and realm are used as received (already processed by the sender).
    /// </summary>
    public static byte[] LongTermKey(string username, string realm, string password, ushort algorithm = AlgorithmMd5)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        byte[] input = Encoding.UTF8.GetBytes($"{username}:{realm}:{Saslprep.Prepare(password)}");
        try
        {
            return algorithm switch
            {
#pragma warning disable CA5351 // MD5 is what RFC 8489 section 9.2.2 prescribes for the long-term key; it is not our choice.
                AlgorithmMd5 => MD5.HashData(input),
#pragma warning restore CA5351
                AlgorithmSha256 => SHA256.HashData(input),
                _ => throw new ArgumentOutOfRangeException(nameof(algorithm), $"Unknown password algorithm {algorithm}."),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>USERHASH (section 14.4): SHA-256 of username ":" realm.</summary>
    public static byte[] UserHash(string username, string realm) => SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}"));

    /// <summary>Checks MESSAGE-INTEGRITY (HMAC-SHA1) in constant time. <see langword="false"/> when absent.</summary>
    public static bool VerifyMessageIntegrity(in StunMessage message, ReadOnlySpan<byte> key) =>
        message.HasMessageIntegrity && VerifyMac(message.Span, message.IntegrityOffset, null, key, sha256: false);

    /// <summary>Checks MESSAGE-INTEGRITY with a prepared key, in constant time. <see langword="false"/> when absent.</summary>
    public static bool VerifyMessageIntegrity(in StunMessage message, StunHmacSha1Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return message.HasMessageIntegrity && VerifyMac(message.Span, message.IntegrityOffset, key, default, sha256: false);
    }

    /// <summary>Checks MESSAGE-INTEGRITY-SHA256 (possibly truncated) in constant time. <see langword="false"/> when absent.</summary>
    public static bool VerifyMessageIntegritySha256(in StunMessage message, ReadOnlySpan<byte> key) =>
        message.HasMessageIntegritySha256 && VerifyMac(message.Span, message.IntegritySha256Offset, null, key, sha256: true);

    /// <summary>Checks FINGERPRINT. <see langword="false"/> when absent.</summary>
    public static bool VerifyFingerprint(in StunMessage message)
    {
        if (!message.HasFingerprint)
        {
            return false;
        }

        // The parser guarantees FINGERPRINT is last, so the length field on the wire is already the one the CRC covered.
        ReadOnlySpan<byte> span = message.Span;
        int offset = message.FingerprintOffset;
        uint expected = StunCrc32.Compute(span[..offset]) ^ StunConstants.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(span[(offset + StunConstants.AttributeHeaderLength)..]) == expected;
    }

    // The MAC covers everything before the attribute, with the header length set as if the attribute
    // were the last one (section 14.5). That differs from the wire when FINGERPRINT (or MI-SHA256)
    // follows, so the covered bytes are copied and the length patched.
    private static bool VerifyMac(ReadOnlySpan<byte> message, int offset, StunHmacSha1Key? prepared, ReadOnlySpan<byte> key, bool sha256)
    {
        int macLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        ReadOnlySpan<byte> received = message.Slice(offset + StunConstants.AttributeHeaderLength, macLength);
        byte[]? rented = offset > StackLimit ? ArrayPool<byte>.Shared.Rent(offset) : null;
        Span<byte> covered = rented is null ? stackalloc byte[StackLimit] : rented;
        covered = covered[..offset];
        message[..offset].CopyTo(covered);
        BinaryPrimitives.WriteUInt16BigEndian(
            covered[2..], (ushort)(offset + StunConstants.AttributeHeaderLength + macLength - StunConstants.HeaderLength));
        Span<byte> mac = stackalloc byte[StunConstants.MessageIntegritySha256Length];
        if (prepared is not null)
        {
            prepared.Compute(covered, mac);
        }
        else if (sha256)
        {
            HMACSHA256.HashData(key, covered, mac);
        }
        else
        {
#pragma warning disable CA5350 // MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 section 14.5).
            HMACSHA1.HashData(key, covered, mac);
#pragma warning restore CA5350
        }

        bool ok = CryptographicOperations.FixedTimeEquals(mac[..macLength], received);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return ok;
    }
}
