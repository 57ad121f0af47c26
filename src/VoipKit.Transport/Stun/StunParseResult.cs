namespace VoipKit.Transport.Stun;

/// <summary>Why a datagram is not a well-formed STUN message.</summary>
internal enum StunParseResult
{
    /// <summary>A well-formed message.</summary>
    Ok,

    /// <summary>Shorter than the 20-byte header.</summary>
    TooShort,

    /// <summary>One of the two top bits of the first byte is set.</summary>
    NotStun,

    /// <summary>The magic cookie is not 0x2112A442.</summary>
    BadMagicCookie,

    /// <summary>The length field is not a multiple of 4.</summary>
    LengthNotMultipleOfFour,

    /// <summary>The length field does not equal the datagram's length minus the header.</summary>
    LengthMismatch,

    /// <summary>An attribute header or value (with its padding) runs past the message.</summary>
    TruncatedAttribute,

    /// <summary>An attribute follows FINGERPRINT, which must be last.</summary>
    AttributeAfterFingerprint,

    /// <summary>MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT has a wrong length.</summary>
    BadIntegrityLength,
}
