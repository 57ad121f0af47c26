namespace VoipKit;

/// <summary>
/// A peer presents an identity key other than the one this client trusted before (trust on first use): the peer
/// reinstalled, or someone is in the middle. The app decides whether to accept the new key.
/// </summary>
/// <param name="RemoteParty">The peer's address of record (<c>user@domain</c>).</param>
/// <param name="DeviceId">The peer's device.</param>
/// <param name="NewSafetyNumber">The safety number with the new key, for the users to compare out of band.</param>
/// <param name="WasVerified">True when the users had verified the old key: a change then deserves a loud warning.</param>
public sealed record IdentityKeyChange(string RemoteParty, uint DeviceId, string NewSafetyNumber, bool WasVerified);
