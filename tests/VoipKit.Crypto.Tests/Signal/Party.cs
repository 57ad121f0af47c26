using Microsoft.Extensions.Time.Testing;
using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>One test participant: a device with an in-memory store, a signed prekey (id 1) and one-time prekeys 1..10.</summary>
internal sealed class Party
{
    public Party(string name, uint deviceId = 1)
    {
        Address = new SignalProtocolAddress(name, deviceId);
        Identity = KeyHelper.GenerateIdentityKeyPair();
        Store = new InMemorySignalProtocolStore(Identity, KeyHelper.GenerateRegistrationId());
        SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity, 1, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Store.StoreSignedPreKey(SignedPreKey);
        foreach (PreKeyRecord preKey in KeyHelper.GeneratePreKeys(1, 10))
        {
            Store.StorePreKey(preKey);
        }
    }

    public SignalProtocolAddress Address { get; }

    public SignalKeyPair Identity { get; }

    public InMemorySignalProtocolStore Store { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    public PreKeyBundle Bundle(uint? preKeyId = 1)
    {
        SignalPublicKey? preKey = preKeyId is uint id ? Store.LoadPreKey(id)!.KeyPair.PublicKey : null;
        return new PreKeyBundle(Store.GetLocalRegistrationId(), Address.DeviceId, preKeyId, preKey, SignedPreKey.Id, SignedPreKey.KeyPair.PublicKey, SignedPreKey.Signature.Span, Identity.PublicKey);
    }

    public SessionCipher CipherFor(Party other) => new(Store, other.Address);

    /// <summary>Alice (this) starts a session with <paramref name="bob"/> from his bundle.</summary>
    public void StartSessionWith(Party bob, uint? preKeyId = 1) => new SessionBuilder(Store, bob.Address).ProcessPreKeyBundle(bob.Bundle(preKeyId));

    /// <summary>A started, acknowledged session: Alice sent one message and Bob answered.</summary>
    public static (Party Alice, Party Bob) Established()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob);
        bob.CipherFor(alice).Decrypt(alice.CipherFor(bob).Encrypt("hi"u8));
        alice.CipherFor(bob).Decrypt(bob.CipherFor(alice).Encrypt("hello"u8));
        return (alice, bob);
    }
}
