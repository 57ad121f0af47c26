namespace VoipKit.Crypto.Signal;

/// <summary>What Alice repeats in every message until Bob answers: the prekeys she used and her base key.</summary>
internal sealed record PendingPreKey(uint? PreKeyId, uint SignedPreKeyId, SignalPublicKey BaseKey);
