using System.Text;
using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>
/// VoipKit against libsignal-protocol-c 2.3.3 (through Native/signal-harness.c): sessions set
/// up in both directions, with and without a one-time prekey, messages both ways with DH
/// ratchet steps and reordering, tampering refused on both sides, equal safety numbers.
/// </summary>
public sealed class InteropTests
{
    private static readonly SignalProtocolAddress HarnessAddress = new("bob", 1);

    private static PreKeyBundle ToBundle(HarnessBundle b) => new(
        b.RegistrationId,
        (uint)b.DeviceId,
        b.PreKeyId < 0 ? null : (uint)b.PreKeyId,
        b.PreKeyId < 0 ? null : SignalPublicKey.Parse(b.PreKeyPublic),
        b.SignedPreKeyId,
        SignalPublicKey.Parse(b.SignedPreKeyPublic),
        b.Signature,
        SignalPublicKey.Parse(b.IdentityKey));

    private static HarnessBundle FromBundle(PreKeyBundle b) => new(
        b.RegistrationId,
        (int)b.DeviceId,
        b.PreKeyId is uint id ? (int)id : -1,
        b.PreKey?.Serialize() ?? [],
        b.SignedPreKeyId,
        b.SignedPreKey.Serialize(),
        b.SignedPreKeySignature.ToArray(),
        b.IdentityKey.Serialize());

    private static CiphertextMessage Message((int Type, byte[] Serialized) m) => new((CiphertextMessageType)m.Type, m.Serialized);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void VoipKit_initiates_and_libsignal_responds(bool withOneTimePreKey)
    {
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2222);
        var alice = new Party("alice");
        HarnessBundle harnessBundle = bob.Bundle();
        if (!withOneTimePreKey)
        {
            harnessBundle = harnessBundle with { PreKeyId = -1, PreKeyPublic = [] };
        }

        new SessionBuilder(alice.Store, HarnessAddress).ProcessPreKeyBundle(ToBundle(harnessBundle));
        var cipher = new SessionCipher(alice.Store, HarnessAddress);

        CiphertextMessage first = cipher.Encrypt("hello libsignal"u8);
        CiphertextMessage second = cipher.Encrypt("second prekey message"u8);
        Assert.Equal(CiphertextMessageType.PreKeySignalMessage, first.Type);
        Assert.Equal("hello libsignal"u8.ToArray(), bob.Decrypt("alice", 3, first.Serialized.Span));
        Assert.Equal("second prekey message"u8.ToArray(), bob.Decrypt("alice", 3, second.Serialized.Span));

        Converse(cipher, bob, "alice");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Libsignal_initiates_and_voipkit_responds(bool withOneTimePreKey)
    {
        using SignalHarnessPeer harness = SignalHarnessPeer.Start(1111);
        var bob = new Party("bob");
        Assert.Equal("ok", harness.ProcessBundle("bob", FromBundle(bob.Bundle(withOneTimePreKey ? 6u : null))));
        var harnessAddress = new SignalProtocolAddress("alice", 1);
        var cipher = new SessionCipher(bob.Store, harnessAddress);

        var first = harness.Encrypt("bob", "hello voipkit"u8);
        var second = harness.Encrypt("bob", "another"u8);
        Assert.Equal(3, first.Type);
        Assert.Equal("another", Encoding.UTF8.GetString(cipher.Decrypt(Message(second))));
        Assert.Equal("hello voipkit", Encoding.UTF8.GetString(cipher.Decrypt(Message(first))));
        Assert.Equal(!withOneTimePreKey, bob.Store.ContainsPreKey(6));
        Assert.Equal(SignalPublicKey.Parse(harness.Identity()), bob.Store.GetIdentity(harnessAddress));
        Assert.Equal(1111u, bob.Store.LoadSession(harnessAddress)!.RemoteRegistrationId);

        Converse(cipher, harness, "bob");
    }

    /// <summary>Several turns each way (each a DH ratchet step), with a reordered batch and a replay.</summary>
    private static void Converse(SessionCipher cipher, SignalHarnessPeer peer, string nameOfUsAtPeer)
    {
        for (int round = 0; round < 4; round++)
        {
            var fromPeer = Enumerable.Range(0, 3).Select(i => peer.Encrypt(nameOfUsAtPeer, Encoding.UTF8.GetBytes($"peer {round}.{i}"))).ToList();
            if (round > 0)
            {
                // An initiating peer sends prekey messages until our first reply reaches it.
                Assert.All(fromPeer, m => Assert.Equal(2, m.Type));
            }

            foreach (int i in new[] { 2, 0, 1 })
            {
                Assert.Equal($"peer {round}.{i}", Encoding.UTF8.GetString(cipher.Decrypt(Message(fromPeer[i]))));
            }

            Assert.Throws<DuplicateMessageException>(() => cipher.Decrypt(Message(fromPeer[1])));

            var fromUs = Enumerable.Range(0, 3).Select(i => cipher.Encrypt(Encoding.UTF8.GetBytes($"us {round}.{i}"))).ToList();
            Assert.All(fromUs, m => Assert.Equal(CiphertextMessageType.SignalMessage, m.Type));
            foreach (int i in new[] { 1, 2, 0 })
            {
                Assert.Equal(Encoding.UTF8.GetBytes($"us {round}.{i}"), peer.Decrypt(nameOfUsAtPeer, 2, fromUs[i].Serialized.Span));
            }

            Assert.Equal("error -1001", peer.TryDecrypt(nameOfUsAtPeer, 2, fromUs[0].Serialized.Span));
        }
    }

    [Fact]
    public void Tampered_messages_are_refused_on_both_sides_and_sessions_continue()
    {
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2222);
        var alice = new Party("alice");
        new SessionBuilder(alice.Store, HarnessAddress).ProcessPreKeyBundle(ToBundle(bob.Bundle()));
        var cipher = new SessionCipher(alice.Store, HarnessAddress);
        bob.Decrypt("alice", 3, cipher.Encrypt("setup"u8).Serialized.Span);
        cipher.Decrypt(Message(bob.Encrypt("alice", "ack"u8)));

        byte[] ours = cipher.Encrypt("ours"u8).Serialized.ToArray();
        for (int i = 0; i < ours.Length; i += 5)
        {
            byte[] bad = (byte[])ours.Clone();
            bad[i] ^= 0x04;
            Assert.StartsWith("error", bob.TryDecrypt("alice", 2, bad), StringComparison.Ordinal);
        }

        Assert.Equal("ours"u8.ToArray(), bob.Decrypt("alice", 2, ours));

        byte[] theirs = bob.Encrypt("alice", "theirs"u8).Serialized;
        for (int i = 0; i < theirs.Length; i += 5)
        {
            byte[] bad = (byte[])theirs.Clone();
            bad[i] ^= 0x04;
            Assert.ThrowsAny<SignalProtocolException>(() => cipher.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, bad)));
        }

        Assert.Equal("theirs", Encoding.UTF8.GetString(cipher.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, theirs))));
    }

    [Fact]
    public void Libsignal_signed_prekey_signatures_verify_and_ours_verify_in_libsignal()
    {
        using SignalHarnessPeer harness = SignalHarnessPeer.Start(5);
        HarnessBundle theirs = harness.Bundle();
        Assert.True(SignalPublicKey.Parse(theirs.IdentityKey).VerifySignature(theirs.SignedPreKeyPublic, theirs.Signature));

        // The harness refuses a bundle whose signature does not verify, so "ok" proves it verified ours.
        for (int i = 0; i < 5; i++)
        {
            var bob = new Party("bob");
            Assert.Equal("ok", harness.ProcessBundle($"bob{i}", FromBundle(bob.Bundle())));
        }

        var forged = new Party("carol");
        HarnessBundle bad = FromBundle(forged.Bundle());
        bad.Signature[3] ^= 1;
        Assert.Equal("error -1002", harness.ProcessBundle("carol", bad));
    }

    [Fact]
    public void Safety_numbers_match_libsignal()
    {
        using SignalHarnessPeer harness = SignalHarnessPeer.Start(7);
        var local = new Party("me");
        SignalPublicKey harnessIdentity = SignalPublicKey.Parse(harness.Identity());
        string theirs = harness.Fingerprint("+14153333333", "+14152222222", local.Identity.PublicKey.Serialize());
        string ours = SafetyNumber.Compute("+14152222222", local.Identity.PublicKey, "+14153333333", harnessIdentity);
        Assert.Equal(theirs, ours);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_interleaving_with_reordering_and_loss_against_libsignal(int seed)
    {
        var random = new Random(seed);
        using SignalHarnessPeer peer = SignalHarnessPeer.Start(2222);
        var alice = new Party("alice");
        new SessionBuilder(alice.Store, HarnessAddress).ProcessPreKeyBundle(ToBundle(peer.Bundle()));
        var cipher = new SessionCipher(alice.Store, HarnessAddress);
        var toPeer = new List<(CiphertextMessage Message, byte[] Text)>();
        var toUs = new List<((int Type, byte[] Serialized) Message, byte[] Text)>();
        bool peerHasSession = false;
        for (int round = 0; round < 6; round++)
        {
            for (int step = 0; step < 8; step++)
            {
                byte[] text = Encoding.UTF8.GetBytes($"{round}.{step}");
                int op = random.Next(4);
                if (op == 0 || !peerHasSession)
                {
                    toPeer.Add((cipher.Encrypt(text), text));
                    if (!peerHasSession)
                    {
                        // The peer cannot send before it has a session: deliver the first message now.
                        (CiphertextMessage m, byte[] t) = toPeer[^1];
                        toPeer.RemoveAt(toPeer.Count - 1);
                        Assert.Equal(t, peer.Decrypt("alice", (int)m.Type, m.Serialized.Span));
                        peerHasSession = true;
                    }
                }
                else if (op == 1)
                {
                    toUs.Add((peer.Encrypt("alice", text), text));
                }
                else if (op == 2 && toPeer.Count > 0)
                {
                    int i = random.Next(toPeer.Count);
                    Assert.Equal(toPeer[i].Text, peer.Decrypt("alice", (int)toPeer[i].Message.Type, toPeer[i].Message.Serialized.Span));
                    toPeer.RemoveAt(i);
                }
                else if (op == 3 && toUs.Count > 0)
                {
                    int i = random.Next(toUs.Count);
                    Assert.Equal(toUs[i].Text, cipher.Decrypt(Message(toUs[i].Message)));
                    toUs.RemoveAt(i);
                }
            }

            // End of round: deliver the rest in random order, losing about one in four.
            while (toPeer.Count + toUs.Count > 0)
            {
                bool pickPeer = toUs.Count == 0 || (toPeer.Count > 0 && random.Next(2) == 0);
                if (pickPeer)
                {
                    int i = random.Next(toPeer.Count);
                    if (random.Next(4) != 0)
                    {
                        Assert.Equal(toPeer[i].Text, peer.Decrypt("alice", (int)toPeer[i].Message.Type, toPeer[i].Message.Serialized.Span));
                    }

                    toPeer.RemoveAt(i);
                }
                else
                {
                    int i = random.Next(toUs.Count);
                    if (random.Next(4) != 0)
                    {
                        Assert.Equal(toUs[i].Text, cipher.Decrypt(Message(toUs[i].Message)));
                    }

                    toUs.RemoveAt(i);
                }
            }
        }
    }
}
