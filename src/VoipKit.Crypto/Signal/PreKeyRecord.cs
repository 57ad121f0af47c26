namespace VoipKit.Crypto.Signal;

/// <summary>A one-time prekey: an id (unique among the owner's prekeys) and a key pair.</summary>
/// <param name="Id">The prekey id published in the bundle.</param>
/// <param name="KeyPair">The key pair.</param>
public sealed record PreKeyRecord(uint Id, SignalKeyPair KeyPair);
