using System.Text;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

public sealed class FileStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "voipkit-signal-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Sessions_survive_reopening_the_store()
    {
        using SignalKeyPair bobIdentity = KeyHelper.GenerateIdentityKeyPair();
        FileSignalProtocolStore bobStore = FileSignalProtocolStore.Create(_directory, bobIdentity, 4242);
        SignedPreKeyRecord signed = KeyHelper.GenerateSignedPreKey(bobIdentity, 3, new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero)));
        bobStore.StoreSignedPreKey(signed);
        foreach (PreKeyRecord preKey in KeyHelper.GeneratePreKeys(100, 3))
        {
            bobStore.StorePreKey(preKey);
        }

        var bobAddress = new SignalProtocolAddress("bob/../../etc", 2);
        var alice = new Party("alice");
        PreKeyRecord oneTime = bobStore.LoadPreKey(101)!;
        var bundle = new PreKeyBundle(4242, 2, 101, oneTime.KeyPair.PublicKey, 3, signed.KeyPair.PublicKey, signed.Signature.Span, bobIdentity.PublicKey);
        new SessionBuilder(alice.Store, bobAddress).ProcessPreKeyBundle(bundle);
        CiphertextMessage first = alice.CipherFor(new Party(bobAddress.Name, 2)).Encrypt("unused"u8);
        Assert.NotNull(first);
        CiphertextMessage hello = new SessionCipher(alice.Store, bobAddress).Encrypt("hello"u8);

        Assert.Equal("hello", Encoding.UTF8.GetString(new SessionCipher(bobStore, alice.Address).Decrypt(hello)));
        Assert.False(bobStore.ContainsPreKey(101));

        // Reopen: identity, registration id, signed prekey, trusted identity and session are back.
        FileSignalProtocolStore reopened = FileSignalProtocolStore.Open(_directory);
        Assert.Equal(bobIdentity.PublicKey, reopened.GetIdentityKeyPair().PublicKey);
        Assert.Equal(4242u, reopened.GetLocalRegistrationId());
        SignedPreKeyRecord loaded = reopened.LoadSignedPreKey(3)!;
        Assert.Equal(signed.Timestamp, loaded.Timestamp);
        Assert.Equal(signed.Signature.ToArray(), loaded.Signature.ToArray());
        Assert.Single(reopened.LoadSignedPreKeys());
        Assert.Equal(alice.Identity.PublicKey, reopened.GetIdentity(alice.Address));
        Assert.True(reopened.ContainsSession(alice.Address));
        CiphertextMessage reply = new SessionCipher(reopened, alice.Address).Encrypt("reply"u8);
        Assert.Equal("reply", Encoding.UTF8.GetString(new SessionCipher(alice.Store, bobAddress).Decrypt(reply)));

        // No temporary files are left behind and nothing escaped the directory.
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp", SearchOption.AllDirectories));
        Assert.All(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_directory, f, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "identity")));
        }
    }

    [Fact]
    public void Trust_on_first_use_and_changed_identity()
    {
        using SignalKeyPair identity = KeyHelper.GenerateIdentityKeyPair();
        FileSignalProtocolStore store = FileSignalProtocolStore.Create(_directory, identity, 1);
        var address = new SignalProtocolAddress("carol", 1);
        using SignalKeyPair first = SignalKeyPair.Generate();
        using SignalKeyPair second = SignalKeyPair.Generate();
        Assert.True(store.IsTrustedIdentity(address, first.PublicKey));
        Assert.False(store.SaveIdentity(address, first.PublicKey));
        Assert.False(store.SaveIdentity(address, first.PublicKey));
        Assert.False(store.IsTrustedIdentity(address, second.PublicKey));
        Assert.True(store.SaveIdentity(address, second.PublicKey));
        Assert.True(store.IsTrustedIdentity(address, second.PublicKey));
        Assert.Throws<IOException>(() => FileSignalProtocolStore.Create(_directory, identity, 1));
    }

    [Fact]
    public void Atomic_write_replaces_content_and_corrupt_files_are_reported()
    {
        string path = Path.Combine(_directory, "x", "file");
        FileSignalProtocolStore.WriteAtomic(path, [1, 2, 3]);
        FileSignalProtocolStore.WriteAtomic(path, [4, 5]);
        Assert.Equal([4, 5], File.ReadAllBytes(path));

        using SignalKeyPair identity = KeyHelper.GenerateIdentityKeyPair();
        FileSignalProtocolStore.Create(Path.Combine(_directory, "s"), identity, 9);
        File.WriteAllBytes(Path.Combine(_directory, "s", "identity"), [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => FileSignalProtocolStore.Open(Path.Combine(_directory, "s")));
    }
}
