namespace VoipKit.Crypto.Signal;

/// <summary>An encrypted message ready to send: its type and its serialized bytes.</summary>
/// <param name="Type">Type 3 while the session is not yet acknowledged by the peer, then type 2.</param>
/// <param name="Serialized">The wire bytes (version byte 0x33 first).</param>
public sealed record CiphertextMessage(CiphertextMessageType Type, ReadOnlyMemory<byte> Serialized);
