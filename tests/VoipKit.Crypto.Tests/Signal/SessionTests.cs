using System.Text;
using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class SessionTests
{
    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Alice_and_bob_exchange_messages(bool withOneTimePreKey)
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob, withOneTimePreKey ? 3u : null);
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);

        CiphertextMessage first = a.Encrypt(Text("first"));
        CiphertextMessage second = a.Encrypt(Text("second"));
        Assert.Equal(CiphertextMessageType.PreKeySignalMessage, first.Type);
        Assert.Equal(CiphertextMessageType.PreKeySignalMessage, second.Type);
        Assert.Equal(SignalMessage.VersionByte, first.Serialized.Span[0]);
        Assert.Equal("first", Encoding.UTF8.GetString(b.Decrypt(first)));
        Assert.Equal("second", Encoding.UTF8.GetString(b.Decrypt(second)));
        Assert.Equal(!withOneTimePreKey, bob.Store.ContainsPreKey(3));

        CiphertextMessage reply = b.Encrypt(Text("reply"));
        Assert.Equal(CiphertextMessageType.SignalMessage, reply.Type);
        Assert.Equal("reply", Encoding.UTF8.GetString(a.Decrypt(reply)));

        // Acknowledged: Alice now sends normal messages.
        CiphertextMessage third = a.Encrypt(Text("third"));
        Assert.Equal(CiphertextMessageType.SignalMessage, third.Type);
        Assert.Equal("third", Encoding.UTF8.GetString(b.Decrypt(third)));

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($"b{i}", Encoding.UTF8.GetString(a.Decrypt(b.Encrypt(Text($"b{i}")))));
            Assert.Equal($"a{i}", Encoding.UTF8.GetString(b.Decrypt(a.Encrypt(Text($"a{i}")))));
        }

        Assert.Equal(alice.Store.GetLocalRegistrationId(), bob.Store.LoadSession(alice.Address)!.RemoteRegistrationId);
        Assert.Equal(alice.Identity.PublicKey, bob.Store.GetIdentity(alice.Address));
    }

    [Fact]
    public void Empty_and_large_plaintexts_round_trip()
    {
        (Party alice, Party bob) = Party.Established();
        Assert.Empty(bob.CipherFor(alice).Decrypt(alice.CipherFor(bob).Encrypt([])));
        byte[] big = new byte[40_000];
        Random.Shared.NextBytes(big);
        Assert.Equal(big, bob.CipherFor(alice).Decrypt(alice.CipherFor(bob).Encrypt(big)));
    }

    [Fact]
    public void Consumed_one_time_prekey_is_deleted_and_a_second_use_refused()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        PreKeyBundle bundle = bob.Bundle(5);
        new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundle(bundle);
        CiphertextMessage first = alice.CipherFor(bob).Encrypt(Text("x"));
        bob.CipherFor(alice).Decrypt(first);
        Assert.False(bob.Store.ContainsPreKey(5));

        // The same message again is a duplicate (the session exists); nothing changes.
        byte[] before = bob.Store.RawSession(alice.Address)!;
        Assert.Throws<DuplicateMessageException>(() => bob.CipherFor(alice).Decrypt(first));
        Assert.Equal(before, bob.Store.RawSession(alice.Address));

        // A new session (new base key) on the consumed prekey is refused.
        var mallory = new Party("alice2");
        new SessionBuilder(mallory.Store, bob.Address).ProcessPreKeyBundle(bundle);
        CiphertextMessage reuse = mallory.CipherFor(bob).Encrypt(Text("again"));
        Assert.Throws<InvalidKeyIdException>(() => bob.CipherFor(mallory).Decrypt(reuse));
        Assert.False(bob.Store.ContainsSession(mallory.Address));
    }

    [Fact]
    public void Unknown_one_time_or_signed_prekey_id_is_refused()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        bob.Store.RemovePreKey(2);
        PreKeyBundle stale = new(bob.Store.GetLocalRegistrationId(), 1, 2, SignalKeyPair.Generate().PublicKey, 1, bob.SignedPreKey.KeyPair.PublicKey, bob.SignedPreKey.Signature.Span, bob.Identity.PublicKey);
        new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundle(stale);
        Assert.Throws<InvalidKeyIdException>(() => bob.CipherFor(alice).Decrypt(alice.CipherFor(bob).Encrypt(Text("x"))));

        var carol = new Party("carol");
        SignedPreKeyRecord other = KeyHelper.GenerateSignedPreKey(bob.Identity, 77, TimeProvider.System);
        PreKeyBundle unknownSigned = new(1, 1, null, null, 77, other.KeyPair.PublicKey, other.Signature.Span, bob.Identity.PublicKey);
        new SessionBuilder(carol.Store, bob.Address).ProcessPreKeyBundle(unknownSigned);
        Assert.Throws<InvalidKeyIdException>(() => bob.CipherFor(carol).Decrypt(carol.CipherFor(bob).Encrypt(Text("x"))));
    }

    [Fact]
    public void Bundle_with_bad_signature_is_refused()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        byte[] signature = bob.SignedPreKey.Signature.ToArray();
        signature[10] ^= 0x40;
        PreKeyBundle forged = new(1, 1, null, null, 1, bob.SignedPreKey.KeyPair.PublicKey, signature, bob.Identity.PublicKey);
        Assert.Throws<InvalidKeyException>(() => new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundle(forged));
        Assert.False(alice.Store.ContainsSession(bob.Address));

        // A signature by another identity key does not verify either.
        PreKeyBundle wrongSigner = new(1, 1, null, null, 1, bob.SignedPreKey.KeyPair.PublicKey, bob.SignedPreKey.Signature.Span, alice.Identity.PublicKey);
        Assert.Throws<InvalidKeyException>(() => new SessionBuilder(new Party("x").Store, bob.Address).ProcessPreKeyBundle(wrongSigner));
    }

    [Fact]
    public void Bundle_with_low_order_keys_is_refused_even_when_signed()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        SignalPublicKey lowOrder = SignalPublicKey.FromU(B("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
        byte[] signature = bob.Identity.Sign(lowOrder.Serialized);
        PreKeyBundle badSigned = new(1, 1, null, null, 1, lowOrder, signature, bob.Identity.PublicKey);
        Assert.Throws<InvalidKeyException>(() => new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundle(badSigned));

        PreKeyBundle badOneTime = new(1, 1, 1, SignalPublicKey.FromU(new byte[32]), 1, bob.SignedPreKey.KeyPair.PublicKey, bob.SignedPreKey.Signature.Span, bob.Identity.PublicKey);
        Assert.Throws<InvalidKeyException>(() => new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundle(badOneTime));
        Assert.False(alice.Store.ContainsSession(bob.Address));
    }

    [Fact]
    public void Changed_identity_key_is_reported_until_the_app_accepts_it()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob);
        var newBob = new Party("bob");
        var e = Assert.Throws<UntrustedIdentityException>(() => alice.StartSessionWith(newBob));
        Assert.Equal(bob.Address, e.Address);
        Assert.Equal(newBob.Identity.PublicKey, e.IdentityKey);

        // The old session still works; then the user accepts the new key.
        Assert.Equal(CiphertextMessageType.PreKeySignalMessage, alice.CipherFor(bob).Encrypt(Text("old")).Type);
        Assert.True(alice.Store.SaveIdentity(bob.Address, newBob.Identity.PublicKey));
        alice.StartSessionWith(newBob);
        Assert.Equal("new", Encoding.UTF8.GetString(newBob.CipherFor(alice).Decrypt(alice.CipherFor(newBob).Encrypt(Text("new")))));

        // Bob's side: a prekey message from a changed identity is refused.
        (Party a2, Party b2) = Party.Established();
        var impostor = new Party(a2.Address.Name);
        impostor.StartSessionWith(b2, 2);
        Assert.Throws<UntrustedIdentityException>(() => b2.CipherFor(impostor).Decrypt(impostor.CipherFor(b2).Encrypt(Text("x"))));
        Assert.True(b2.Store.ContainsPreKey(2));
    }

    [Fact]
    public void Out_of_order_messages_decrypt_once_each()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        var messages = Enumerable.Range(0, 20).Select(i => a.Encrypt(Text($"m{i}"))).ToList();
        int[] order = [5, 0, 19, 3, 1, 2, 4, 18, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
        foreach (int i in order)
        {
            Assert.Equal($"m{i}", Encoding.UTF8.GetString(b.Decrypt(messages[i])));
        }

        foreach (int i in order)
        {
            Assert.Throws<DuplicateMessageException>(() => b.Decrypt(messages[i]));
        }
    }

    [Fact]
    public void Messages_from_previous_chains_still_decrypt_after_ratchet_steps()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        CiphertextMessage late = a.Encrypt(Text("late"));
        b.Decrypt(a.Encrypt(Text("on time")));
        a.Decrypt(b.Encrypt(Text("answer")));
        b.Decrypt(a.Encrypt(Text("new chain")));
        Assert.Equal("late", Encoding.UTF8.GetString(b.Decrypt(late)));
    }

    [Fact]
    public void Jump_of_2000_is_accepted_and_2001_refused()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        CiphertextMessage? far = null;
        for (int i = 0; i <= 2001; i++)
        {
            CiphertextMessage m = a.Encrypt(Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (i == 2001)
            {
                far = m;
            }
        }

        byte[] before = bob.Store.RawSession(alice.Address)!;
        Assert.Throws<InvalidMessageException>(() => b.Decrypt(far!));
        Assert.Equal(before, bob.Store.RawSession(alice.Address));

        (Party alice2, Party bob2) = Party.Established();
        SessionCipher a2 = alice2.CipherFor(bob2);
        CiphertextMessage? edge = null;
        for (int i = 0; i <= 2000; i++)
        {
            edge = a2.Encrypt(Text("e"));
        }

        Assert.Equal("e", Encoding.UTF8.GetString(bob2.CipherFor(alice2).Decrypt(edge!)));
    }

    [Fact]
    public void At_most_five_receiver_chains_are_kept()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        for (int i = 0; i < 8; i++)
        {
            b.Decrypt(a.Encrypt(Text("ping")));
            a.Decrypt(b.Encrypt(Text("pong")));
        }

        Assert.Equal(SessionState.MaxReceiverChains, alice.Store.LoadSession(bob.Address)!.Current!.ReceiverChains.Count);
        Assert.Equal(SessionState.MaxReceiverChains, bob.Store.LoadSession(alice.Address)!.Current!.ReceiverChains.Count);
    }

    [Fact]
    public void Every_single_byte_change_fails_and_leaves_the_session_usable()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        byte[] wire = a.Encrypt(Text("tamper me")).Serialized.ToArray();
        byte[] before = bob.Store.RawSession(alice.Address)!;
        for (int i = 0; i < wire.Length; i++)
        {
            byte[] bad = (byte[])wire.Clone();
            bad[i] ^= 0x01;
            Assert.ThrowsAny<SignalProtocolException>(() => b.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, bad)));
            Assert.Equal(before, bob.Store.RawSession(alice.Address));
        }

        Assert.Equal("tamper me", Encoding.UTF8.GetString(b.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, wire))));
    }

    [Fact]
    public void Tampered_prekey_message_fails_and_bob_can_still_accept_the_real_one()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob);
        byte[] wire = alice.CipherFor(bob).Encrypt(Text("hello")).Serialized.ToArray();
        for (int i = 0; i < wire.Length; i += 3)
        {
            byte[] bad = (byte[])wire.Clone();
            bad[i] ^= 0x80;
            Assert.ThrowsAny<SignalProtocolException>(() => bob.CipherFor(alice).Decrypt(new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, bad)));
            Assert.True(bob.Store.ContainsPreKey(1));
            Assert.False(bob.Store.ContainsSession(alice.Address));
        }

        Assert.Equal("hello", Encoding.UTF8.GetString(bob.CipherFor(alice).Decrypt(new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, wire))));
    }

    [Fact]
    public void Truncated_garbage_and_wrong_version_messages_give_typed_errors()
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher b = bob.CipherFor(alice);
        byte[] wire = alice.CipherFor(bob).Encrypt(Text("x")).Serialized.ToArray();
        byte[] before = bob.Store.RawSession(alice.Address)!;
        for (int length = 0; length < wire.Length; length++)
        {
            byte[] cut = wire.AsSpan(0, length).ToArray();
            Assert.ThrowsAny<SignalProtocolException>(() => b.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, cut)));
            Assert.ThrowsAny<SignalProtocolException>(() => b.Decrypt(new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, cut)));
        }

        byte[] v2 = (byte[])wire.Clone();
        v2[0] = 0x22;
        Assert.Throws<InvalidVersionException>(() => SignalMessage.Parse(v2));
        v2[0] = 0x43;
        Assert.Throws<InvalidVersionException>(() => SignalMessage.Parse(v2));
        v2[0] = 0x34;
        Assert.Throws<InvalidVersionException>(() => SignalMessage.Parse(v2));
        Assert.Throws<InvalidMessageException>(() => SignalMessage.Parse(new byte[SignalMessage.MaxLength + 1]));
        Assert.Throws<InvalidMessageException>(() => b.Decrypt(new CiphertextMessage((CiphertextMessageType)7, wire)));

        var random = new Random(1234);
        for (int i = 0; i < 200; i++)
        {
            byte[] garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 0 && random.Next(2) == 0)
            {
                garbage[0] = 0x33;
            }

            Assert.ThrowsAny<SignalProtocolException>(() => b.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, garbage)));
            Assert.ThrowsAny<SignalProtocolException>(() => b.Decrypt(new CiphertextMessage(CiphertextMessageType.PreKeySignalMessage, garbage)));
        }

        Assert.Equal(before, bob.Store.RawSession(alice.Address));
        Assert.Equal("x", Encoding.UTF8.GetString(b.Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, wire))));
    }

    [Fact]
    public void No_session_is_a_typed_error()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        Assert.Throws<NoSessionException>(() => alice.CipherFor(bob).Encrypt(Text("x")));
        (Party a, Party b) = Party.Established();
        CiphertextMessage normal = a.CipherFor(b).Encrypt(Text("x"));
        Assert.Throws<NoSessionException>(() => alice.CipherFor(a).Decrypt(normal));
    }

    [Fact]
    public void Session_record_round_trips_and_rejects_corruption()
    {
        (Party alice, Party bob) = Party.Established();
        byte[] raw = alice.Store.RawSession(bob.Address)!;
        Assert.Equal(raw, SessionRecord.Deserialize(raw).Serialize());
        Assert.Throws<InvalidVersionException>(() => SessionRecord.Deserialize([2, .. raw.AsSpan(1)]));
        Assert.Throws<InvalidMessageException>(() => SessionRecord.Deserialize([]));
        for (int length = 2; length < raw.Length; length += 7)
        {
            byte[] cut = raw.AsSpan(0, length).ToArray();
            Assert.ThrowsAny<SignalProtocolException>(() => SessionRecord.Deserialize(cut));
        }
    }

    [Fact]
    public void New_session_from_bob_archives_the_old_one_and_old_messages_still_decrypt()
    {
        (Party alice, Party bob) = Party.Established();
        CiphertextMessage inFlight = alice.CipherFor(bob).Encrypt(Text("in flight"));

        // Alice restarts from a fresh bundle (for example after reinstalling a session).
        alice.StartSessionWith(bob, 2);
        CiphertextMessage fresh = alice.CipherFor(bob).Encrypt(Text("fresh"));
        Assert.Equal(CiphertextMessageType.PreKeySignalMessage, fresh.Type);
        Assert.Equal("fresh", Encoding.UTF8.GetString(bob.CipherFor(alice).Decrypt(fresh)));
        Assert.Equal("in flight", Encoding.UTF8.GetString(bob.CipherFor(alice).Decrypt(inFlight)));
    }

    [Fact]
    public void Simultaneous_initiation_converges_on_one_session()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob);
        bob.StartSessionWith(alice);
        CiphertextMessage fromAlice = alice.CipherFor(bob).Encrypt(Text("hi bob"));
        CiphertextMessage fromBob = bob.CipherFor(alice).Encrypt(Text("hi alice"));
        Assert.Equal("hi alice", Encoding.UTF8.GetString(alice.CipherFor(bob).Decrypt(fromBob)));
        Assert.Equal("hi bob", Encoding.UTF8.GetString(bob.CipherFor(alice).Decrypt(fromAlice)));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"a{i}", Encoding.UTF8.GetString(bob.CipherFor(alice).Decrypt(alice.CipherFor(bob).Encrypt(Text($"a{i}")))));
            Assert.Equal($"b{i}", Encoding.UTF8.GetString(alice.CipherFor(bob).Decrypt(bob.CipherFor(alice).Encrypt(Text($"b{i}")))));
        }

        // Both now use the same session: its messages are normal ones on both sides.
        Assert.Equal(CiphertextMessageType.SignalMessage, alice.CipherFor(bob).Encrypt(Text("x")).Type);
        Assert.Equal(CiphertextMessageType.SignalMessage, bob.CipherFor(alice).Encrypt(Text("y")).Type);
        Assert.Equal(
            alice.Store.LoadSession(bob.Address)!.Current!.AliceBaseKey,
            bob.Store.LoadSession(alice.Address)!.Current!.AliceBaseKey);
    }

    [Fact]
    public void In_memory_store_deletes_sessions_and_signed_prekeys()
    {
        (Party alice, Party bob) = Party.Established();
        Assert.True(alice.Store.ContainsSession(bob.Address));
        alice.Store.DeleteSession(bob.Address);
        Assert.False(alice.Store.ContainsSession(bob.Address));
        Assert.Throws<NoSessionException>(() => alice.CipherFor(bob).Encrypt(Text("x")));
        Assert.Single(bob.Store.LoadSignedPreKeys());
        bob.Store.RemoveSignedPreKey(1);
        Assert.Null(bob.Store.LoadSignedPreKey(1));
    }
}
