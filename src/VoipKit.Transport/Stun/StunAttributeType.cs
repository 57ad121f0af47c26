namespace VoipKit.Transport.Stun;

/// <summary>
/// STUN attribute types (RFC 8489 section 18.3, RFC 8445 section 16.1, RFC 8656 section 18).
/// Types 0x0000–0x7FFF are comprehension-required, 0x8000–0xFFFF comprehension-optional.
/// </summary>
internal static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort ChannelNumber = 0x000C;
    public const ushort Lifetime = 0x000D;
    public const ushort XorPeerAddress = 0x0012;
    public const ushort Data = 0x0013;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;
    public const ushort XorRelayedAddress = 0x0016;
    public const ushort RequestedAddressFamily = 0x0017;
    public const ushort EvenPort = 0x0018;
    public const ushort RequestedTransport = 0x0019;
    public const ushort DontFragment = 0x001A;
    public const ushort MessageIntegritySha256 = 0x001C;
    public const ushort PasswordAlgorithm = 0x001D;
    public const ushort UserHash = 0x001E;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort ReservationToken = 0x0022;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort PasswordAlgorithms = 0x8002;
    public const ushort AlternateDomain = 0x8003;
    public const ushort Software = 0x8022;
    public const ushort AlternateServer = 0x8023;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// <summary>Whether the receiver must understand the attribute or reject the message (420).</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// <summary>Whether this library knows the comprehension-required attribute.</summary>
    public static bool IsKnown(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes or ChannelNumber or Lifetime
            or XorPeerAddress or Data or Realm or Nonce or XorRelayedAddress or RequestedAddressFamily or EvenPort
            or RequestedTransport or DontFragment or MessageIntegritySha256 or PasswordAlgorithm or UserHash
            or XorMappedAddress or ReservationToken or Priority or UseCandidate or PasswordAlgorithms or AlternateDomain
            or Software or AlternateServer or Fingerprint or IceControlled or IceControlling => true,
        _ => false,
    };
}
