using System.Globalization;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>
/// A prekey bundle as the signal harness prints it (<c>bundle</c>) and takes it
/// (<c>process_bundle</c>). Public keys are 33 bytes (0x05 type byte + X25519 key); the
/// signature is the 64-byte XEdDSA signature over the serialized signed prekey.
/// <paramref name="PreKeyId"/> -1 with an empty <paramref name="PreKeyPublic"/> means no
/// one-time prekey.
/// </summary>
internal sealed record HarnessBundle(
    uint RegistrationId,
    int DeviceId,
    int PreKeyId,
    byte[] PreKeyPublic,
    uint SignedPreKeyId,
    byte[] SignedPreKeyPublic,
    byte[] Signature,
    byte[] IdentityKey)
{
    /// <summary>The bundle as the arguments of <c>process_bundle</c> after the name.</summary>
    public string ToArguments() => string.Join(' ',
        RegistrationId.ToString(CultureInfo.InvariantCulture),
        DeviceId.ToString(CultureInfo.InvariantCulture),
        PreKeyId.ToString(CultureInfo.InvariantCulture),
        PreKeyId < 0 ? "-" : Convert.ToHexStringLower(PreKeyPublic),
        SignedPreKeyId.ToString(CultureInfo.InvariantCulture),
        Convert.ToHexStringLower(SignedPreKeyPublic),
        Convert.ToHexStringLower(Signature),
        Convert.ToHexStringLower(IdentityKey));
}
