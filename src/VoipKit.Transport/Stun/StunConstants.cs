namespace VoipKit.Transport.Stun;

/// <summary>Sizes and fixed values of the STUN wire format (RFC 8489 sections 5, 14).</summary>
internal static class StunConstants
{
    /// <summary>The magic cookie in bytes 4–7 of every RFC 5389/8489 message.</summary>
    public const uint MagicCookie = 0x2112A442;

    /// <summary>The fixed header's length.</summary>
    public const int HeaderLength = 20;

    /// <summary>The transaction ID's length (96 bits).</summary>
    public const int TransactionIdLength = 12;

    /// <summary>An attribute's type + length header.</summary>
    public const int AttributeHeaderLength = 4;

    /// <summary>The HMAC-SHA1 value of MESSAGE-INTEGRITY.</summary>
    public const int MessageIntegrityLength = 20;

    /// <summary>The full HMAC-SHA256 value; MESSAGE-INTEGRITY-SHA256 may carry 16–32 bytes in steps of 4.</summary>
    public const int MessageIntegritySha256Length = 32;

    /// <summary>XORed into the CRC-32 of FINGERPRINT ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554E;

    /// <summary>The Binding method.</summary>
    public const ushort BindingMethod = 0x001;

    /// <summary>RFC 8489 section 6.2.1 default initial retransmission timeout.</summary>
    public static readonly TimeSpan DefaultRto = TimeSpan.FromMilliseconds(500);

    /// <summary>Rounds an attribute value's length up to the 4-byte boundary.</summary>
    public static int Padded(int length) => (length + 3) & ~3;
}
