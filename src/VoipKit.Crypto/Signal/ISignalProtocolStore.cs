namespace VoipKit.Crypto.Signal;

/// <summary>All the state one device's Signal protocol needs.</summary>
public interface ISignalProtocolStore : IIdentityKeyStore, IPreKeyStore, ISignedPreKeyStore, ISessionStore
{
}
