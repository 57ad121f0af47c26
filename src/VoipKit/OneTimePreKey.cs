using VoipKit.Crypto.Signal;

namespace VoipKit;

/// <summary>A one-time prekey as published to the directory: its id and public key (the private half never leaves the device).</summary>
/// <param name="Id">The prekey id (1 to <see cref="KeyHelper.MaxPreKeyId"/>).</param>
/// <param name="PublicKey">The public key.</param>
public sealed record OneTimePreKey(uint Id, SignalPublicKey PublicKey);
