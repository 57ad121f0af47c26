using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>
/// Proves the libsignal-protocol-c harness (Native/signal-harness.c) works by letting two
/// harness processes, alice and bob, talk to each other through the line protocol. These
/// tests double as executable documentation of that protocol for the C# interop tests:
/// whatever is shown here between two harnesses is what the C# side must do with one.
/// </summary>
public sealed class HarnessSelfTests
{
    private const byte Version3 = 0x33;

    [Fact]
    public void Bundle_has_the_documented_shape_and_each_call_hands_out_a_new_one_time_prekey()
    {
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(4242);

        HarnessBundle first = bob.Bundle();
        HarnessBundle second = bob.Bundle();

        Assert.Equal(4242u, first.RegistrationId);
        Assert.Equal(1, first.DeviceId);
        Assert.Equal(1, first.PreKeyId);
        Assert.Equal(2, second.PreKeyId);
        Assert.NotEqual(first.PreKeyPublic, second.PreKeyPublic);
        Assert.Equal(1u, first.SignedPreKeyId);
        Assert.Equal(first.SignedPreKeyPublic, second.SignedPreKeyPublic);
        Assert.Equal(64, first.Signature.Length);
        Assert.Equal(bob.Identity(), first.IdentityKey);
        foreach (byte[] key in new[] { first.PreKeyPublic, first.SignedPreKeyPublic, first.IdentityKey })
        {
            Assert.Equal(33, key.Length);
            Assert.Equal(0x05, key[0]);
        }
    }

    [Fact]
    public void Alice_and_bob_exchange_messages_with_dh_ratchet_steps()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1111);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2222);
        Assert.Equal("ok", alice.ProcessBundle("bob", bob.Bundle()));

        // Until alice hears from bob, everything she sends is a PreKeySignalMessage (type 3).
        (int type, byte[] first) = alice.Encrypt("bob", "hello bob"u8);
        Assert.Equal(3, type);
        Assert.Equal(Version3, first[0]);
        Assert.Equal("hello bob"u8.ToArray(), bob.Decrypt("alice", 3, first));

        var ratchetKeys = new List<string>();
        for (int round = 0; round < 4; round++)
        {
            byte[] fromBob = Encoding.UTF8.GetBytes($"bob says {round}");
            (int bobType, byte[] bobMessage) = bob.Encrypt("alice", fromBob);
            Assert.Equal(2, bobType);
            Assert.Equal(fromBob, alice.Decrypt("bob", 2, bobMessage));
            ratchetKeys.Add(RatchetKeyHex(bobMessage));

            // Having received bob's reply, alice now sends plain SignalMessages (type 2).
            byte[] fromAlice = Encoding.UTF8.GetBytes($"alice says {round}");
            (int aliceType, byte[] aliceMessage) = alice.Encrypt("bob", fromAlice);
            Assert.Equal(2, aliceType);
            Assert.Equal(fromAlice, bob.Decrypt("alice", 2, aliceMessage));
            ratchetKeys.Add(RatchetKeyHex(aliceMessage));
        }

        // Every change of direction is a DH ratchet step: each turn carries a fresh ratchet key.
        Assert.Equal(ratchetKeys.Count, ratchetKeys.Distinct().Count());
    }

    [Fact]
    public void Messages_decrypt_out_of_order_and_a_replay_is_refused()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        Establish(alice, bob);

        var sent = new List<byte[]>();
        for (int i = 1; i <= 3; i++)
        {
            (int type, byte[] message) = alice.Encrypt("bob", [(byte)i]);
            Assert.Equal(2, type);
            sent.Add(message);
        }

        Assert.Equal(new byte[] { 3 }, bob.Decrypt("alice", 2, sent[2]));
        Assert.Equal(new byte[] { 1 }, bob.Decrypt("alice", 2, sent[0]));
        Assert.Equal(new byte[] { 2 }, bob.Decrypt("alice", 2, sent[1]));
        Assert.Equal("error -1001", bob.TryDecrypt("alice", 2, sent[1])); // SG_ERR_DUPLICATE_MESSAGE
    }

    [Fact]
    public void Prekey_messages_decrypt_out_of_order_too()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        Assert.Equal("ok", alice.ProcessBundle("bob", bob.Bundle()));

        byte[][] sent = [.. Enumerable.Range(1, 3).Select(i => alice.Encrypt("bob", [(byte)i])).Select(m =>
        {
            Assert.Equal(3, m.Type);
            return m.Serialized;
        })];

        // The last one creates bob's session; the earlier ones reuse it (same base key).
        Assert.Equal(new byte[] { 3 }, bob.Decrypt("alice", 3, sent[2]));
        Assert.Equal(new byte[] { 1 }, bob.Decrypt("alice", 3, sent[0]));
        Assert.Equal(new byte[] { 2 }, bob.Decrypt("alice", 3, sent[1]));
    }

    [Fact]
    public void A_tampered_message_is_an_error_and_the_session_still_works_after()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        Establish(alice, bob);

        (_, byte[] message) = alice.Encrypt("bob", "secret"u8);
        foreach (int index in new[] { 10, message.Length - 20, message.Length - 1 })
        {
            byte[] tampered = (byte[])message.Clone();
            tampered[index] ^= 0x01;
            Assert.StartsWith("error -", bob.TryDecrypt("alice", 2, tampered), StringComparison.Ordinal);
        }

        Assert.Equal("secret"u8.ToArray(), bob.Decrypt("alice", 2, message));
        (_, byte[] reply) = bob.Encrypt("alice", "still here"u8);
        Assert.Equal("still here"u8.ToArray(), alice.Decrypt("bob", 2, reply));
    }

    [Fact]
    public void A_first_prekey_message_with_a_forged_identity_does_not_pin_that_identity()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        Assert.Equal("ok", alice.ProcessBundle("bob", bob.Bundle()));
        (_, byte[] message) = alice.Encrypt("bob", "first"u8);

        // The PreKeySignalMessage carries alice's identity key unauthenticated (only the inner
        // SignalMessage has a MAC, over both identities). A forged one must fail the MAC, and
        // the harness undoes the identity the library saved before that check.
        int at = message.AsSpan().IndexOf(alice.Identity());
        Assert.True(at > 0);
        byte[] forged = (byte[])message.Clone();
        forged[at + 10] ^= 0x01;
        Assert.StartsWith("error -", bob.TryDecrypt("alice", 3, forged), StringComparison.Ordinal);

        Assert.Equal("first"u8.ToArray(), bob.Decrypt("alice", 3, message));
    }

    [Fact]
    public void Fingerprints_from_both_sides_are_equal_and_60_digits()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);

        string fromAlice = alice.Fingerprint("+14155550100", "+14155550101", bob.Identity());
        string fromBob = bob.Fingerprint("+14155550101", "+14155550100", alice.Identity());

        Assert.Equal(fromAlice, fromBob);
        Assert.Equal(60, fromAlice.Length);
        Assert.All(fromAlice, c => Assert.True(char.IsAsciiDigit(c)));
    }

    [Fact]
    public void Fingerprint_halves_follow_the_documented_iterated_sha512()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        byte[] remote = new byte[33];
        remote[0] = 0x05;
        remote.AsSpan(1).Fill(0xaa);

        string shown = alice.Fingerprint("alice", "remote-id", remote);

        // Each side contributes 30 digits; the lexically smaller half is shown first.
        string local = FingerprintHalf(alice.Identity(), "alice");
        string other = FingerprintHalf(remote, "remote-id");
        Assert.Equal(string.CompareOrdinal(local, other) <= 0 ? local + other : other + local, shown);
    }

    [Fact]
    public void A_changed_identity_for_a_known_name_is_untrusted()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        using SignalHarnessPeer mallory = SignalHarnessPeer.Start(3);
        Establish(alice, bob);

        Assert.Equal("error -1010", alice.ProcessBundle("bob", mallory.Bundle())); // SG_ERR_UNTRUSTED_IDENTITY
    }

    [Fact]
    public void A_bundle_without_one_time_prekey_works_and_a_bad_signature_is_refused()
    {
        using SignalHarnessPeer alice = SignalHarnessPeer.Start(1);
        using SignalHarnessPeer bob = SignalHarnessPeer.Start(2);
        HarnessBundle bundle = bob.Bundle();

        byte[] badSignature = (byte[])bundle.Signature.Clone();
        badSignature[5] ^= 0x40;
        Assert.StartsWith("error -", alice.ProcessBundle("bob", bundle with { Signature = badSignature }), StringComparison.Ordinal);

        Assert.Equal("ok", alice.ProcessBundle("bob", bundle with { PreKeyId = -1, PreKeyPublic = [] }));
        (int type, byte[] message) = alice.Encrypt("bob", "no one-time key"u8);
        Assert.Equal(3, type);
        Assert.Equal("no one-time key"u8.ToArray(), bob.Decrypt("alice", 3, message));
    }

    [Theory]
    [InlineData("frobnicate", "error unknown_command")]
    [InlineData("", "error empty")]
    [InlineData("encrypt bob 0g", "error bad_hex")]
    [InlineData("encrypt bob 012", "error bad_hex")]
    [InlineData("encrypt bob 00", "error -1008")] // SG_ERR_NO_SESSION
    [InlineData("decrypt bob 2 330a", "error -22")] // SG_ERR_INVAL: too short to be a message
    [InlineData("decrypt bob 3 00", "error -22")]
    [InlineData("decrypt bob 4 00", "error usage")]
    [InlineData("encrypt b@d 00", "error usage")]
    [InlineData("init 5", "error already_initialized")]
    [InlineData("fingerprint a b 0505", "error -1002")] // SG_ERR_INVALID_KEY
    public void Bad_commands_get_an_error_line_and_the_harness_keeps_going(string command, string expected)
    {
        using SignalHarnessPeer peer = SignalHarnessPeer.Start(7);

        Assert.Equal(expected, peer.Send(command));
        Assert.Equal(33, peer.Identity().Length);
    }

    [Fact]
    public void Commands_before_init_and_over_long_lines_are_errors()
    {
        using SignalHarnessPeer peer = SignalHarnessPeer.StartUninitialized();

        Assert.Equal("error not_initialized", peer.Send("bundle"));
        Assert.Equal("error line_too_long", peer.Send("encrypt bob " + new string('0', 1024 * 1024)));
        Assert.Equal("ok", peer.Send("init 9"));
    }

    private static void Establish(SignalHarnessPeer alice, SignalHarnessPeer bob)
    {
        Assert.Equal("ok", alice.ProcessBundle("bob", bob.Bundle()));
        (int type, byte[] hello) = alice.Encrypt("bob", "hi"u8);
        Assert.Equal(3, type);
        Assert.Equal("hi"u8.ToArray(), bob.Decrypt("alice", 3, hello));
        (int replyType, byte[] reply) = bob.Encrypt("alice", "hi"u8);
        Assert.Equal(2, replyType);
        Assert.Equal("hi"u8.ToArray(), alice.Decrypt("bob", 2, reply));
    }

    // h = SHA-512(0x00 0x00 || key || id || key), then 5199 times h = SHA-512(h || key); the
    // first 30 bytes as six 40-bit big-endian numbers, each mod 100000, as 5 digits.
    private static string FingerprintHalf(byte[] identityKey, string stableId)
    {
        byte[] hash = SHA512.HashData([0, 0, .. identityKey, .. Encoding.UTF8.GetBytes(stableId), .. identityKey]);
        for (int i = 1; i < 5200; i++)
        {
            hash = SHA512.HashData([.. hash, .. identityKey]);
        }

        var digits = new StringBuilder(30);
        for (int chunk = 0; chunk < 6; chunk++)
        {
            ulong value = 0;
            for (int b = 0; b < 5; b++)
            {
                value = (value << 8) | hash[(chunk * 5) + b];
            }

            digits.Append((value % 100000).ToString("D5", CultureInfo.InvariantCulture));
        }

        return digits.ToString();
    }

    // A SignalMessage starts with the version byte, then protobuf field 1 (tag 0x0a, length 0x21)
    // holding the sender's 33-byte ratchet key.
    private static string RatchetKeyHex(byte[] signalMessage)
    {
        Assert.Equal(Version3, signalMessage[0]);
        Assert.Equal(0x0a, signalMessage[1]);
        Assert.Equal(0x21, signalMessage[2]);
        return Convert.ToHexString(signalMessage, 3, 33);
    }
}
