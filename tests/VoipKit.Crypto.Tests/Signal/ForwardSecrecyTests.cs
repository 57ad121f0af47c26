using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

public class ForwardSecrecyTests
{
    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public void After_decrypting_the_message_key_is_gone_from_the_stored_session()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);

        // The keys Alice will use for her next two messages, from her stored sending chain.
        SessionState aliceState = alice.Store.LoadSession(bob.Address)!.Current!;
        byte[] chainKey0 = aliceState.SenderChainKey;
        byte[] seed0 = new byte[32], keys0 = new byte[80], chainKey1 = new byte[32], seed1 = new byte[32], keys1 = new byte[80];
        SignalKdf.MessageKeySeed(chainKey0, seed0);
        SignalKdf.MessageKeys(seed0, keys0);
        SignalKdf.NextChainKey(chainKey0, chainKey1);
        SignalKdf.MessageKeySeed(chainKey1, seed1);
        SignalKdf.MessageKeys(seed1, keys1);

        CiphertextMessage m0 = a.Encrypt("zero"u8);
        CiphertextMessage m1 = a.Encrypt("one"u8);

        // Out of order: m1 first, so m0's key is kept as a skipped key until m0 arrives.
        b.Decrypt(m1);
        byte[] state = bob.Store.RawSession(alice.Address)!;
        Assert.False(Contains(state, seed1));
        Assert.False(Contains(state, keys1.AsSpan(0, 32)));
        Assert.False(Contains(state, chainKey1));
        Assert.True(Contains(state, seed0));

        b.Decrypt(m0);
        state = bob.Store.RawSession(alice.Address)!;
        Assert.False(Contains(state, seed0));
        Assert.False(Contains(state, keys0.AsSpan(0, 32)));
        Assert.False(Contains(state, chainKey0));
    }

    [Fact]
    public void After_a_dh_ratchet_step_the_old_sending_chain_and_root_keys_are_gone()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        b.Encrypt("bob sends on his chain"u8);
        SessionState before = bob.Store.LoadSession(alice.Address)!.Current!;
        byte[] oldSendingChainKey = before.SenderChainKey;
        byte[] oldRootKey = before.RootKey;
        byte[] oldRatchetPrivate = before.SenderRatchet.ExportPrivateKey();

        // Alice answers on a new ratchet key: Bob's DH ratchet step replaces all three.
        a.Decrypt(b.Encrypt("x"u8));
        b.Decrypt(a.Encrypt("new ratchet key"u8));
        byte[] state = bob.Store.RawSession(alice.Address)!;
        Assert.False(Contains(state, oldRootKey));
        Assert.False(Contains(state, oldRatchetPrivate));
        Assert.False(Contains(state, oldSendingChainKey));
        Assert.NotEqual(oldRootKey, bob.Store.LoadSession(alice.Address)!.Current!.RootKey);
    }
}
