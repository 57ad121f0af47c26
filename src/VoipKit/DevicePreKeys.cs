using VoipKit.Crypto.Signal;

namespace VoipKit;

/// <summary>
/// What one device publishes to the prekey directory so that others can start an end-to-end session with it while it is
/// offline: its identity key, a signed prekey and a batch of one-time prekeys. Only public keys.
/// </summary>
public sealed record DevicePreKeys
{
    /// <summary>The account, as <c>user@domain</c> (no scheme).</summary>
    public required string AddressOfRecord { get; init; }

    /// <summary>The device id within the account (1 for the first device).</summary>
    public required uint DeviceId { get; init; }

    /// <summary>The device's Signal registration id.</summary>
    public required uint RegistrationId { get; init; }

    /// <summary>The device's long-term identity key.</summary>
    public required SignalPublicKey IdentityKey { get; init; }

    /// <summary>The signed prekey's id.</summary>
    public required uint SignedPreKeyId { get; init; }

    /// <summary>The signed prekey.</summary>
    public required SignalPublicKey SignedPreKey { get; init; }

    /// <summary>The identity key's XEdDSA signature over the signed prekey (64 bytes).</summary>
    public required ReadOnlyMemory<byte> SignedPreKeySignature { get; init; }

    /// <summary>One-time prekeys; the directory hands each out at most once.</summary>
    public IReadOnlyList<OneTimePreKey> OneTimePreKeys { get; init; } = [];
}
