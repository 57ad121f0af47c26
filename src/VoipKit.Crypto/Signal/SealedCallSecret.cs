namespace VoipKit.Crypto.Signal;

/// <summary>The result of <see cref="CallKeyExchange.Seal"/>: the message to send with the call offer, and the secret kept locally.</summary>
/// <param name="Message">The ratchet message carrying the secret; send it to the callee.</param>
/// <param name="Secret">The call secret; derive SRTP keys from it, dispose it when the call ends.</param>
public sealed record SealedCallSecret(CiphertextMessage Message, CallSecret Secret);
