using VoipKit.Crypto.Signal;
using static VoipKit.Crypto.Tests.Signal.Hex;

namespace VoipKit.Crypto.Tests.Signal;

public class WireFormatTests
{
    private static void Read(byte[] data)
    {
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            reader.ReadTag(out int _, out int wireType);
            if (wireType == ProtoReader.WireLengthDelimited)
            {
                reader.ReadBytes(wireType, 16);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    [Theory]
    [InlineData("08")] // tag without value
    [InlineData("0880")] // truncated varint
    [InlineData("08ffffffffffffffffff02")] // 10th byte above 1
    [InlineData("08ffffffffffffffffffff01")] // 11 bytes
    [InlineData("088000")] // non-minimal
    [InlineData("0a05aabb")] // length beyond the buffer
    [InlineData("0a11000102030405060708090a0b0c0d0e0f10")] // 17 bytes > max 16
    [InlineData("00")] // field 0
    [InlineData("0b")] // group start
    [InlineData("0d0102")] // truncated fixed32
    [InlineData("090102030405")] // truncated fixed64
    public void Protobuf_reader_rejects_malformed_input(string hex)
    {
        Assert.Throws<InvalidMessageException>(() => Read(B(hex)));
    }

    [Fact]
    public void Protobuf_reader_accepts_valid_fields_and_skips_unknown_ones()
    {
        Read(B("08ac02" + "1203616263" + "0d01020304" + "090102030405060708" + "08ffffffffffffffffff01"));
        var writer = new ProtoWriter();
        writer.WriteUInt32(2, uint.MaxValue);
        writer.WriteBytes(4, [1, 2, 3]);
        var reader = new ProtoReader(writer.WrittenSpan);
        reader.ReadTag(out int f1, out int w1);
        Assert.Equal(2, f1);
        Assert.Equal(uint.MaxValue, reader.ReadUInt32(w1));
        reader.ReadTag(out int f2, out int w2);
        Assert.Equal(4, f2);
        Assert.Equal([1, 2, 3], reader.ReadBytes(w2, 3).ToArray());
        Assert.True(reader.End);
    }

    [Fact]
    public void Uint32_field_rejects_values_above_32_bits()
    {
        byte[] data = B("108080808010");
        Assert.Throws<InvalidMessageException>(() =>
        {
            var reader = new ProtoReader(data);
            reader.ReadTag(out _, out int w);
            reader.ReadUInt32(w);
        });
    }

    [Fact]
    public void Signal_message_layout_is_libsignal_version_3()
    {
        (Party alice, Party bob) = Party.Established();
        CiphertextMessage message = alice.CipherFor(bob).Encrypt("hello"u8);
        byte[] wire = message.Serialized.ToArray();
        Assert.Equal(0x33, wire[0]);
        Assert.Equal(0x0a, wire[1]); // field 1, length-delimited
        Assert.Equal(33, wire[2]);
        Assert.Equal(0x05, wire[3]);
        SignalMessage parsed = SignalMessage.Parse(wire);
        Assert.Equal(16, parsed.Ciphertext.Length);
        Assert.Equal(0u, parsed.Counter); // first message on the chain that followed Bob's reply
    }

    [Fact]
    public void Prekey_message_fields_parse_and_missing_fields_are_rejected()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob, 4);
        PreKeySignalMessage m = PreKeySignalMessage.Parse(alice.CipherFor(bob).Encrypt("x"u8).Serialized.Span);
        Assert.Equal(4u, m.PreKeyId);
        Assert.Equal(1u, m.SignedPreKeyId);
        Assert.Equal(alice.Identity.PublicKey, m.IdentityKey);
        Assert.Equal(alice.Store.GetLocalRegistrationId(), m.RegistrationId);

        // Only the message field: base key, identity and signed prekey id are missing.
        var writer = new ProtoWriter();
        writer.WriteRaw([0x33]);
        writer.WriteBytes(4, m.Message.Serialized.Span);
        Assert.Throws<InvalidMessageException>(() => PreKeySignalMessage.Parse(writer.WrittenSpan));

        // A repeated field is rejected.
        byte[] doubled = [.. m.Serialized.Span, .. B("3001")];
        Assert.Throws<InvalidMessageException>(() => PreKeySignalMessage.Parse(doubled));
    }

    [Fact]
    public void Prekey_bundle_round_trips_with_and_without_one_time_prekey()
    {
        var bob = new Party("bob");
        foreach (uint? id in new uint?[] { 7, null })
        {
            PreKeyBundle bundle = bob.Bundle(id);
            byte[] data = bundle.Serialize();
            Assert.Equal(id.HasValue ? 181 : 144, data.Length);
            PreKeyBundle parsed = PreKeyBundle.Parse(data);
            Assert.Equal(bundle.RegistrationId, parsed.RegistrationId);
            Assert.Equal(bundle.DeviceId, parsed.DeviceId);
            Assert.Equal(bundle.PreKeyId, parsed.PreKeyId);
            Assert.Equal(bundle.PreKey, parsed.PreKey);
            Assert.Equal(bundle.SignedPreKeyId, parsed.SignedPreKeyId);
            Assert.Equal(bundle.SignedPreKey, parsed.SignedPreKey);
            Assert.Equal(bundle.SignedPreKeySignature.ToArray(), parsed.SignedPreKeySignature.ToArray());
            Assert.Equal(bundle.IdentityKey, parsed.IdentityKey);
            Assert.Equal(data, parsed.Serialize());
        }
    }

    [Fact]
    public void Malformed_bundles_are_rejected_with_typed_errors()
    {
        var bob = new Party("bob");
        byte[] good = bob.Bundle(7).Serialize();
        Assert.Throws<InvalidMessageException>(() => PreKeyBundle.Parse([]));
        Assert.Throws<InvalidVersionException>(() => PreKeyBundle.Parse([2, .. good.AsSpan(1)]));
        for (int length = 1; length < good.Length; length++)
        {
            Assert.Throws<InvalidMessageException>(() => PreKeyBundle.Parse(good.AsSpan(0, length)));
        }

        Assert.Throws<InvalidMessageException>(() => PreKeyBundle.Parse([.. good, 0]));
        byte[] flags = (byte[])good.Clone();
        flags[9] = 3;
        Assert.Throws<InvalidMessageException>(() => PreKeyBundle.Parse(flags));
        byte[] badType = (byte[])good.Clone();
        badType[14] = 0x06; // one-time prekey type byte
        Assert.Throws<InvalidKeyException>(() => PreKeyBundle.Parse(badType));
        Assert.Throws<InvalidKeyException>(() => new PreKeyBundle(1, 1, 5, null, 1, bob.SignedPreKey.KeyPair.PublicKey, bob.SignedPreKey.Signature.Span, bob.Identity.PublicKey));
        Assert.Throws<InvalidKeyException>(() => new PreKeyBundle(1, 1, null, null, 1, bob.SignedPreKey.KeyPair.PublicKey, new byte[63], bob.Identity.PublicKey));
    }

    [Fact]
    public void Key_helper_generates_ids_and_valid_signed_prekeys()
    {
        IReadOnlyList<PreKeyRecord> keys = KeyHelper.GeneratePreKeys(KeyHelper.MaxPreKeyId - 1, 4);
        Assert.Equal([KeyHelper.MaxPreKeyId - 1, KeyHelper.MaxPreKeyId, 1u, 2u], keys.Select(k => k.Id));
        using SignalKeyPair identity = KeyHelper.GenerateIdentityKeyPair();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        SignedPreKeyRecord signed = KeyHelper.GenerateSignedPreKey(identity, 9, clock);
        Assert.Equal(9u, signed.Id);
        Assert.Equal(clock.GetUtcNow(), signed.Timestamp);
        Assert.True(identity.PublicKey.VerifySignature(signed.KeyPair.PublicKey.Serialized, signed.Signature.Span));
        uint registrationId = KeyHelper.GenerateRegistrationId();
        Assert.InRange(registrationId, 1u, 16380u);
    }
}
