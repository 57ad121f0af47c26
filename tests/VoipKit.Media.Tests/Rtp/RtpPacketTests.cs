using System.Buffers.Binary;
using FsCheck.Xunit;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtp;

public class RtpPacketTests
{
    [Property(Arbitrary = [typeof(RtpArbitraries)], MaxTest = 300)]
    public bool Parse_of_serialize_is_identity(RtpModel model)
    {
        byte[] bytes = model.Write();
        return RtpPacket.TryRead(bytes, out RtpPacket p) == RtpReadResult.Ok && model.Matches(p);
    }

    [Fact]
    public void Reads_known_bytes()
    {
        // V=2 P=0 X=1 CC=1, M=1 PT=111, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, CSRC 0x0A0B0C0D,
        // one-byte extension: ID 3 L=1 (2 bytes) AB CD, padded to a word; payload 99.
        byte[] packet =
        [
            0x91, 0xEF, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04,
            0x0A, 0x0B, 0x0C, 0x0D,
            0xBE, 0xDE, 0x00, 0x01, 0x31, 0xAB, 0xCD, 0x00,
            0x99,
        ];
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(packet, out RtpPacket p));
        Assert.Equal(new RtpHeader(111, 0x1234, 0xDEADBEEF, 0x01020304, true), p.Header);
        Assert.Equal(1, p.CsrcCount);
        Assert.Equal(0x0A0B0C0Du, p.GetCsrc(0));
        Assert.Equal(RtpHeaderExtensionForm.OneByte, p.ExtensionForm);
        Assert.True(p.TryGetExtension(3, out ReadOnlySpan<byte> value));
        Assert.Equal([0xAB, 0xCD], value.ToArray());
        Assert.False(p.TryGetExtension(4, out _));
        Assert.Equal(24, p.HeaderLength);
        Assert.Equal([0x99], p.Payload.ToArray());
    }

    [Fact]
    public void Writer_output_matches_known_bytes()
    {
        var buffer = new byte[64];
        Assert.True(RtpPacketWriter.TryCreate(buffer, new RtpHeader(111, 0x1234, 0xDEADBEEF, 0x01020304, true), [0x0A0B0C0Du], out RtpPacketWriter w));
        Assert.True(w.TryAddExtension(3, [0xAB, 0xCD]));
        Assert.True(w.TryWritePayload([0x99]));
        Assert.True(w.TryComplete(0, out int length));
        Assert.Equal(
            [0x91, 0xEF, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0x0A, 0x0B, 0x0C, 0x0D, 0xBE, 0xDE, 0x00, 0x01, 0x31, 0xAB, 0xCD, 0x00, 0x99],
            buffer[..length]);
    }

    [Fact]
    public void Two_byte_form_carries_empty_and_large_elements_and_appbits()
    {
        var buffer = new byte[600];
        Assert.True(RtpPacketWriter.TryCreate(buffer, new RtpHeader(96, 1, 2, 3), [], out RtpPacketWriter w, RtpHeaderExtensionForm.TwoByte));
        Assert.True(w.TryAddExtension(200, []));
        Assert.True(w.TryAddExtension(17, new byte[255]));
        Assert.True(w.TryComplete(0, out int length));
        buffer[RtpHeader.FixedLength + 1] = 0x05; // appbits 5: still the two-byte form
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(buffer.AsSpan(0, length), out RtpPacket p));
        Assert.Equal(RtpHeaderExtensionForm.TwoByte, p.ExtensionForm);
        Assert.Equal(0x1005, p.ExtensionProfile);
        Assert.True(p.TryGetExtension(200, out ReadOnlySpan<byte> empty));
        Assert.True(empty.IsEmpty);
        Assert.True(p.TryGetExtension(17, out ReadOnlySpan<byte> large));
        Assert.Equal(255, large.Length);
    }

    [Fact]
    public void One_byte_id_15_stops_processing_and_padding_is_skipped()
    {
        byte[] packet = [0x90, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE, 0x00, 0x02, 0x00, 0x40, 0x42, 0xF0, 0x21, 0x01, 0x02, 0x00];
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(packet, out RtpPacket p));
        int count = 0;
        foreach (RtpHeaderExtension e in p.GetExtensions())
        {
            Assert.Equal(4, e.Id);
            Assert.Equal([0x42], e.Value.ToArray());
            count++;
        }

        Assert.Equal(1, count); // the element after ID 15 is not seen
    }

    public static TheoryData<string, byte[], RtpReadResult> BadPackets => new()
    {
        { "empty", [], RtpReadResult.TooShort },
        { "11 bytes", [0x80, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], RtpReadResult.TooShort },
        { "version 1", [0x40, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], RtpReadResult.BadVersion },
        { "version 0", [0x00, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], RtpReadResult.BadVersion },
        { "version 3", [0xC0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], RtpReadResult.BadVersion },
        { "CC 15, no CSRCs", [0x8F, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], RtpReadResult.CsrcOverrun },
        { "CC 1, 3 bytes", [0x81, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], RtpReadResult.CsrcOverrun },
        { "X, no ext header", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE], RtpReadResult.ExtensionOverrun },
        { "X, length past end", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0, 0, 0], RtpReadResult.ExtensionOverrun },
        { "X, max length", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x12, 0x34, 0xFF, 0xFF], RtpReadResult.ExtensionOverrun },
        { "one-byte element past block", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x01, 0x1F, 0, 0, 0], RtpReadResult.MalformedExtension },
        { "two-byte element past block", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0x01, 0x09, 0, 0], RtpReadResult.MalformedExtension },
        { "two-byte element header cut", [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0, 0, 0, 0x07], RtpReadResult.MalformedExtension },
        { "padding count 0", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x55, 0x00], RtpReadResult.BadPadding },
        { "padding past header", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x55, 0x04], RtpReadResult.BadPadding },
        { "padding with no payload room", [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x0D], RtpReadResult.BadPadding },
        { "padding into CSRCs", [0xA1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0xFF], RtpReadResult.BadPadding },
    };

    [Theory]
    [MemberData(nameof(BadPackets))]
    public void Bad_packets_give_a_typed_result(string name, byte[] packet, RtpReadResult expected)
    {
        Assert.NotNull(name);
        Assert.Equal(expected, RtpPacket.TryRead(packet, out RtpPacket p));
        Assert.Equal(0, p.Span.Length);
    }

    [Fact]
    public void Every_truncation_of_a_valid_packet_reads_without_throwing()
    {
        var model = new RtpModel(new RtpHeader(1, 2, 3, 4), [5, 6], RtpHeaderExtensionForm.TwoByte, [(1, [1, 2, 3]), (2, [])], 0, [], [9, 9, 9], 4);
        byte[] full = model.Write();
        for (int n = 0; n < full.Length; n++)
        {
            RtpReadResult r = RtpPacket.TryRead(full.AsSpan(0, n), out RtpPacket p);
            if (r == RtpReadResult.Ok)
            {
                // A cut can only succeed if it still parses to something self-consistent.
                Assert.True(p.HeaderLength + p.PaddingLength <= n);
            }
        }

        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(full, out RtpPacket whole));
        Assert.True(model.Matches(whole));
    }

    [Fact]
    public void Padding_exactly_filling_the_rest_gives_an_empty_payload()
    {
        byte[] packet = [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4];
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(packet, out RtpPacket p));
        Assert.True(p.Payload.IsEmpty);
        Assert.Equal(4, p.PaddingLength);
    }

    [Fact]
    public void Writer_reports_a_small_buffer_and_rejects_misuse()
    {
        Assert.False(RtpPacketWriter.TryCreate(new byte[11], new RtpHeader(0, 0, 0, 0), [], out _));
        Assert.False(RtpPacketWriter.TryWrite(new byte[13], new RtpHeader(0, 0, 0, 0), [1, 2], out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpPacketWriter.TryCreate(new byte[100], new RtpHeader(0, 0, 0, 0), new uint[16], out _));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            RtpPacketWriter.TryCreate(new byte[100], new RtpHeader(0, 0, 0, 0), [], out RtpPacketWriter w);
            w.TryAddExtension(15, [1]);
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            RtpPacketWriter.TryCreate(new byte[100], new RtpHeader(0, 0, 0, 0), [], out RtpPacketWriter w);
            w.TryWritePayload([1]);
            w.TryAddExtension(1, [1]);
        });
        var buffer = new byte[20];
        Assert.True(RtpPacketWriter.TryWrite(buffer, new RtpHeader(0, 0, 0, 0), [1, 2], out int n));
        Assert.Equal(14, n);
        Assert.Equal(0x8000, BinaryPrimitives.ReadUInt16BigEndian(buffer));
    }

    [Fact]
    public void Payload_can_be_encoded_in_place()
    {
        var buffer = new byte[40];
        Assert.True(RtpPacketWriter.TryCreate(buffer, new RtpHeader(111, 1, 2, 3), [], out RtpPacketWriter w));
        Assert.True(w.TryAddExtension(1, [9]));
        Span<byte> destination = w.PayloadDestination;
        Assert.Equal(40 - 20, destination.Length); // 12 header + 4 extension header + 1 element + 1 + 2 padding
        destination[0] = 0x77;
        w.Advance(1);
        Assert.True(w.TryComplete(0, out int n));
        Assert.Equal(RtpReadResult.Ok, RtpPacket.TryRead(buffer.AsSpan(0, n), out RtpPacket p));
        Assert.Equal([0x77], p.Payload.ToArray());
    }

    [Fact]
    public void Random_ssrcs_differ_from_the_ones_to_avoid()
    {
        uint a = RtpSsrc.NewRandom();
        uint b = RtpSsrc.NewRandomExcept([a]);
        Assert.NotEqual(a, b);
    }
}
