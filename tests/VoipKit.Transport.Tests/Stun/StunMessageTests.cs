using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using VoipKit.Transport.Stun;
using static VoipKit.Transport.Tests.Stun.StunTestVectors;

namespace VoipKit.Transport.Tests.Stun;

public class StunMessageTests
{
    private const string Header = "0001 0000 2112a442 b7e7a701bc34d686fa87dfae";

    [Theory]
    [InlineData("", nameof(StunParseResult.TooShort))]
    [InlineData("0001 0000 2112a442 b7e7a701bc34d686fa87df", nameof(StunParseResult.TooShort))]
    [InlineData("8001 0000 2112a442 b7e7a701bc34d686fa87dfae", nameof(StunParseResult.NotStun))]
    [InlineData("4001 0000 2112a442 b7e7a701bc34d686fa87dfae", nameof(StunParseResult.NotStun))]
    [InlineData("0001 0000 2112a443 b7e7a701bc34d686fa87dfae", nameof(StunParseResult.BadMagicCookie))]
    [InlineData("0001 0002 2112a442 b7e7a701bc34d686fa87dfae 0000", nameof(StunParseResult.LengthNotMultipleOfFour))]
    [InlineData("0001 0004 2112a442 b7e7a701bc34d686fa87dfae", nameof(StunParseResult.LengthMismatch))]
    [InlineData("0001 0000 2112a442 b7e7a701bc34d686fa87dfae 00000000", nameof(StunParseResult.LengthMismatch))]
    [InlineData("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 8022 0008 6162 6364", nameof(StunParseResult.TruncatedAttribute))] // value past the end
    [InlineData("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 8022 0005 6162 6364", nameof(StunParseResult.TruncatedAttribute))] // padding past the end
    [InlineData("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 8022 0004 6162 6364 ", nameof(StunParseResult.Ok))]
    [InlineData("0001 0004 2112a442 b7e7a701bc34d686fa87dfae 8022 ffff", nameof(StunParseResult.TruncatedAttribute))]
    [InlineData("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 0008 0004 00000000", nameof(StunParseResult.BadIntegrityLength))]
    [InlineData("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 8028 0000 00000000", nameof(StunParseResult.BadIntegrityLength))]
    [InlineData("0001 000c 2112a442 b7e7a701bc34d686fa87dfae 8028 0008 00000000 00000000", nameof(StunParseResult.BadIntegrityLength))]
    [InlineData("0001 000c 2112a442 b7e7a701bc34d686fa87dfae 8028 0004 00000000 8022 0000", nameof(StunParseResult.AttributeAfterFingerprint))]
    [InlineData("0001 0010 2112a442 b7e7a701bc34d686fa87dfae 001c 000c 000000000000000000000000", nameof(StunParseResult.BadIntegrityLength))]
    [InlineData("0001 0028 2112a442 b7e7a701bc34d686fa87dfae 001c 0024 000000000000000000000000000000000000000000000000000000000000000000000000", nameof(StunParseResult.BadIntegrityLength))]
    public void Malformed_messages_are_rejected_with_a_reason(string hex, string expected)
    {
        Assert.Equal(Enum.Parse<StunParseResult>(expected), StunMessage.TryParse(Hex(hex), out _));
    }

    [Fact]
    public void Every_prefix_of_every_vector_is_rejected_without_throwing()
    {
        foreach (byte[] vector in new[] { Request, IPv4Response, IPv6Response, LongTermRequest })
        {
            for (int n = 0; n < vector.Length; n++)
            {
                Assert.NotEqual(StunParseResult.Ok, StunMessage.TryParse(vector.AsSpan(0, n), out _));
            }
        }
    }

    [Theory]
    [InlineData("0001 0000 2112a442 b7e7a701bc34d686fa87dfae", true)]
    [InlineData("0301 0000 2112a442 b7e7a701bc34d686fa87dfae", true)]
    [InlineData("8001 0000 2112a442 b7e7a701bc34d686fa87dfae", false)] // RTP/RTCP (first byte 128–191)
    [InlineData("1601 0000 2112a442 b7e7a701bc34d686fa87dfae", false)] // DTLS (20–63)
    [InlineData("0001 0000 2112a443 b7e7a701bc34d686fa87dfae", false)] // no cookie: RFC 3489 or noise
    [InlineData("0001 0000 2112a442", false)]
    public void IsStun_demultiplexes_like_rfc_7983(string hex, bool expected) => Assert.Equal(expected, StunMessage.IsStun(Hex(hex)));

    [Fact]
    public void Attributes_after_message_integrity_are_ignored_except_sha256_and_fingerprint()
    {
        byte[] key = [1, 2, 3];
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        w.AddUInt32(StunAttributeType.Priority, 7);
        w.AddMessageIntegrity(key);
        w.AddString(StunAttributeType.Software, "after");
        w.AddUInt32(StunAttributeType.Lifetime, 1);
        w.AddMessageIntegritySha256(key, 16);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessage m));
        Assert.False(m.HasAttribute(StunAttributeType.Software));
        Assert.False(m.HasAttribute(StunAttributeType.Lifetime));
        Assert.True(m.HasAttribute(StunAttributeType.Priority));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, key));
        Assert.True(StunIntegrity.VerifyMessageIntegritySha256(m, key));
        Assert.True(StunIntegrity.VerifyFingerprint(m));
        Assert.False(StunIntegrity.VerifyMessageIntegritySha256(m, [1, 2, 4]));
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_reported_for_a_420()
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        w.AddAttribute(0x7F01, [1]);
        w.AddAttribute(0xC001, [2]); // comprehension-optional: not reported
        w.AddUInt32(StunAttributeType.Priority, 1);
        w.AddAttribute(0x0002, []); // RESPONSE-ADDRESS, from RFC 3489: unknown to RFC 8489
        w.TryComplete(out int length);
        StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessage m);
        Span<ushort> unknown = stackalloc ushort[1];
        Assert.Equal(2, m.GetUnknownComprehensionRequired(unknown));
        Assert.Equal(0x7F01, unknown[0]);

        // The 420 answer carries them in UNKNOWN-ATTRIBUTES.
        var answer = new byte[256];
        var e = new StunMessageWriter(answer, new StunMessageType(1, StunClass.ErrorResponse), m.TransactionId);
        e.AddErrorCode(420, "Unknown Attribute");
        e.AddUnknownAttributes([0x7F01, 0x0002]);
        e.TryComplete(out length);
        StunMessage.TryParse(answer.AsSpan(0, length), out StunMessage r);
        Assert.True(r.TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason));
        Assert.Equal(420, code);
        Assert.Equal("Unknown Attribute"u8.ToArray(), reason.ToArray());
        Assert.True(r.TryGetAttribute(StunAttributeType.UnknownAttributes, out ReadOnlySpan<byte> list));
        ushort[] types = new ushort[4];
        Assert.Equal(2, StunAttributeReader.ReadUnknownAttributes(list, types));
        Assert.Equal([0x7F01, 0x0002], types[..2]);
    }

    [Fact]
    public void Writer_reports_a_buffer_too_small_instead_of_throwing()
    {
        var buffer = new byte[40];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        Assert.True(w.AddUInt32(StunAttributeType.Priority, 1));
        Assert.False(w.AddMessageIntegrity([1]));
        Assert.False(w.AddFingerprint()); // sticky: nothing more after an overflow
        Assert.False(w.TryComplete(out int length));
        Assert.Equal(0, length);
        Assert.False(new StunMessageWriter(new byte[19], StunMessageType.BindingRequest, TransactionId).TryComplete(out _));
        Assert.Throws<ArgumentException>(() => new StunMessageWriter(buffer, StunMessageType.BindingRequest, new byte[11]));
    }

    [Fact]
    public void Writer_into_a_buffer_writer_advances_it()
    {
        var output = new ArrayBufferWriter<byte>();
        var w = new StunMessageWriter(output, 548, StunMessageType.BindingRequest, TransactionId);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(28, length);
        Assert.Equal(28, output.WrittenCount);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(output.WrittenSpan, out StunMessage m));
        Assert.True(StunIntegrity.VerifyFingerprint(m));
    }

    [Fact]
    public void Ice_and_turn_attributes_read_back()
    {
        var buffer = new byte[512];
        var w = new StunMessageWriter(buffer, new StunMessageType(0x003, StunClass.Request), TransactionId);
        w.AddUInt64(StunAttributeType.IceControlling, 0x0102030405060708);
        w.AddFlag(StunAttributeType.UseCandidate);
        w.AddChannelNumber(0x4001);
        w.AddUInt32(StunAttributeType.Lifetime, 600);
        w.AddFirstByte(StunAttributeType.RequestedTransport, 17);
        w.AddFirstByte(StunAttributeType.RequestedAddressFamily, 0x02);
        w.AddAttribute(StunAttributeType.EvenPort, [0x80]);
        w.AddFlag(StunAttributeType.DontFragment);
        w.AddUInt64(StunAttributeType.ReservationToken, 42);
        w.AddXorAddress(StunAttributeType.XorPeerAddress, StunEndPoint.FromIPEndPoint(IPEndPoint.Parse("[2001:db8::9]:5000")));
        w.AddAddress(StunAttributeType.AlternateServer, StunEndPoint.FromIPEndPoint(IPEndPoint.Parse("198.51.100.1:3478")));
        w.AddString(StunAttributeType.AlternateDomain, "turn.example.org");
        w.AddAttribute(StunAttributeType.PasswordAlgorithms, [0, 2, 0, 0, 0, 1, 0, 0]);
        w.AddAttribute(StunAttributeType.UserHash, StunIntegrity.UserHash("alice", "example.org"));
        w.AddAttribute(StunAttributeType.Data, "hello"u8);
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessage m));
        Assert.Equal(0, m.GetUnknownComprehensionRequired([]));
        Assert.True(m.TryGetUInt64(StunAttributeType.IceControlling, out ulong tie) && tie == 0x0102030405060708);
        Assert.True(m.HasAttribute(StunAttributeType.UseCandidate));
        Assert.True(m.TryGetAttribute(StunAttributeType.ChannelNumber, out ReadOnlySpan<byte> v) && StunAttributeReader.TryReadChannelNumber(v, out ushort ch) && ch == 0x4001);
        Assert.True(m.TryGetUInt32(StunAttributeType.Lifetime, out uint lifetime) && lifetime == 600);
        Assert.True(m.TryGetAttribute(StunAttributeType.RequestedTransport, out v) && StunAttributeReader.TryReadRequestedTransport(v, out byte proto) && proto == 17);
        Assert.True(m.TryGetAttribute(StunAttributeType.RequestedAddressFamily, out v) && StunAttributeReader.TryReadRequestedAddressFamily(v, out byte family) && family == 2);
        Assert.True(m.TryGetAttribute(StunAttributeType.EvenPort, out v) && StunAttributeReader.TryReadEvenPort(v, out bool reserve) && reserve);
        Assert.True(m.TryGetAddress(StunAttributeType.XorPeerAddress, out StunEndPoint peer));
        Assert.Equal(IPEndPoint.Parse("[2001:db8::9]:5000"), peer.ToIPEndPoint());
        Assert.True(m.TryGetAddress(StunAttributeType.AlternateServer, out StunEndPoint alternate));
        Assert.Equal(IPEndPoint.Parse("198.51.100.1:3478"), alternate.ToIPEndPoint());
        Assert.True(m.TryGetAttribute(StunAttributeType.PasswordAlgorithms, out v));
        ushort[] algorithms = new ushort[4];
        Assert.Equal(2, StunAttributeReader.ReadPasswordAlgorithms(v, algorithms));
        Assert.Equal([StunIntegrity.AlgorithmSha256, StunIntegrity.AlgorithmMd5], algorithms[..2]);
        Assert.Equal(-1, StunAttributeReader.ReadPasswordAlgorithms([0, 1, 0, 4, 0], algorithms));
        Assert.True(m.TryGetAttribute(StunAttributeType.UserHash, out v) && v.Length == 32);
        Assert.Equal(SHA256.HashData("alice:example.org"u8), v.ToArray());
    }

    [Theory]
    [InlineData("0001 0000 01020304", true)]
    [InlineData("0002 0000 01020304", false)] // IPv6 family, IPv4 length
    [InlineData("0001 0000 010203", false)]
    [InlineData("0003 0000 01020304", false)]
    public void Address_values_are_checked(string hex, bool ok) => Assert.Equal(ok, StunAttributeReader.TryReadAddress(Hex(hex), out _));

    [Theory]
    [InlineData("0000 0401", true, 401)]
    [InlineData("0000 0664", false, 0)] // number 100
    [InlineData("0000 0200", false, 0)] // class 2
    [InlineData("0000 04", false, 0)]
    public void Error_codes_are_checked(string hex, bool ok, int code)
    {
        Assert.Equal(ok, StunAttributeReader.TryReadErrorCode(Hex(hex), out int read, out _));
        Assert.Equal(code, read);
    }

    [Fact]
    public void Sha256_long_term_key_and_saslprep_rules()
    {
        Assert.Equal(SHA256.HashData("u:r:p"u8), StunIntegrity.LongTermKey("u", "r", "p", StunIntegrity.AlgorithmSha256));
#pragma warning disable CA5351 // the RFC's long-term key is MD5
        Assert.Equal(MD5.HashData("u:r:p"u8), StunIntegrity.LongTermKey("u", "r", "p"));
#pragma warning restore CA5351
        Assert.Equal("a b", Saslprep.Prepare("a\u00A0b"));
        Assert.Equal("ab", Saslprep.Prepare("a\u00ADb"));
        Assert.Equal("IX", Saslprep.Prepare("\u2168"));
        Assert.Throws<ArgumentException>(() => Saslprep.Prepare("a\u0007b"));
        Assert.Throws<ArgumentException>(() => Saslprep.Prepare("a\uE000"));
        Assert.Throws<ArgumentException>(() => Saslprep.Prepare("a\uD800"));
        Assert.Throws<ArgumentOutOfRangeException>(() => StunIntegrity.LongTermKey("u", "r", "p", 3));
    }

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)] // the CRC-32 check value
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_matches_known_values(string text, uint expected) =>
        Assert.Equal(expected, StunCrc32.Compute(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void A_default_view_has_no_integrity_and_verifies_nothing()
    {
        StunMessage m = default;
        Assert.False(StunIntegrity.VerifyMessageIntegrity(m, [1]));
        Assert.False(StunIntegrity.VerifyMessageIntegritySha256(m, [1]));
        Assert.False(StunIntegrity.VerifyFingerprint(m));
        Assert.False(m.HasAttribute(StunAttributeType.Username));
    }
}
