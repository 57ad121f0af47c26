namespace VoipKit.Crypto.Signal;

/// <summary>
/// A medium-term signed prekey: id, creation time, key pair and the XEdDSA signature of the
/// identity key over the 33-byte serialized public key.
/// </summary>
/// <param name="Id">The signed prekey id published in the bundle.</param>
/// <param name="Timestamp">When it was generated (apps rotate signed prekeys by age).</param>
/// <param name="KeyPair">The key pair.</param>
/// <param name="Signature">The 64-byte signature of the identity key over <c>KeyPair.PublicKey.Serialized</c>.</param>
public sealed record SignedPreKeyRecord(uint Id, DateTimeOffset Timestamp, SignalKeyPair KeyPair, ReadOnlyMemory<byte> Signature);
