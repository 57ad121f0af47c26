using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>ChannelData framing (RFC 8656 section 12.4/12.5): round trips, a malformed-input table, demultiplexing against STUN.</summary>
public class ChannelDataTests
{
    private static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    [Property(MaxTest = 500)]
    public Property Written_messages_read_back_equal_with_and_without_padding() => Prop.ForAll(
        Gen.Choose(ChannelData.MinChannel, ChannelData.MaxChannel).ToArbitrary(), Bytes(0, 300).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(),
        (channel, data, pad) =>
        {
            byte[] buffer = new byte[ChannelData.GetLength(data.Length, pad) + 7];
            Assert.True(ChannelData.TryWrite(buffer, (ushort)channel, data, out int written, pad));
            Assert.Equal(pad ? 4 + ((data.Length + 3) & ~3) : 4 + data.Length, written);
            Assert.True(ChannelData.IsChannelData(buffer.AsSpan(0, written)));
            Assert.False(StunMessage.IsStun(buffer.AsSpan(0, written)));
            Assert.Equal(ChannelDataParseResult.Ok, ChannelData.TryRead(buffer.AsSpan(0, written), out ushort read, out ReadOnlySpan<byte> payload));
            Assert.Equal(channel, read);
            Assert.Equal(data, payload.ToArray());

            var output = new ArrayBufferWriter<byte>();
            Assert.True(ChannelData.TryWrite(output, (ushort)channel, data, pad));
            Assert.Equal(buffer.AsSpan(0, written).ToArray(), output.WrittenSpan.ToArray());
            return true;
        });

    [Property(MaxTest = 500)]
    public Property Truncations_and_random_bytes_never_throw_and_never_read_outside() => Prop.ForAll(Bytes(0, 80).ToArbitrary(), junk =>
    {
        for (int n = 0; n <= junk.Length; n++)
        {
            ChannelDataParseResult result = ChannelData.TryRead(junk.AsSpan(0, n), out ushort channel, out ReadOnlySpan<byte> data);
            if (result == ChannelDataParseResult.Ok)
            {
                Assert.True(ChannelData.IsValidChannel(channel));
                Assert.True(4 + data.Length <= n && n <= 4 + ((data.Length + 3) & ~3));
            }
            else
            {
                Assert.Equal(0, channel);
                Assert.True(data.IsEmpty);
            }
        }

        return true;
    });

    public static TheoryData<string, byte[], int> Malformed => new()
    {
        { "empty", [], (int)ChannelDataParseResult.TooShort },
        { "3 bytes", [0x40, 0x00, 0x00], (int)ChannelDataParseResult.TooShort },
        { "length beyond the datagram", [0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4], (int)ChannelDataParseResult.Truncated },
        { "length 0xFFFF", [0x40, 0x00, 0xFF, 0xFF, 1], (int)ChannelDataParseResult.Truncated },
        { "more than the padding", [0x40, 0x00, 0x00, 0x01, 1, 0, 0, 0, 0], (int)ChannelDataParseResult.TrailingBytes },
        { "reserved 0x5000", [0x50, 0x00, 0x00, 0x00], (int)ChannelDataParseResult.BadChannelNumber },
        { "reserved 0x7FFF", [0x7F, 0xFF, 0x00, 0x00], (int)ChannelDataParseResult.BadChannelNumber },
        { "0x3FFF", [0x3F, 0xFF, 0x00, 0x00], (int)ChannelDataParseResult.BadChannelNumber },
        { "STUN first byte", [0x00, 0x01, 0x00, 0x00], (int)ChannelDataParseResult.BadChannelNumber },
        { "RTP first byte", [0x80, 0x00, 0x00, 0x00], (int)ChannelDataParseResult.BadChannelNumber },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_is_rejected_with_a_reason(string name, byte[] datagram, int expected)
    {
        Assert.Equal((ChannelDataParseResult)expected, ChannelData.TryRead(datagram, out ushort channel, out ReadOnlySpan<byte> data));
        Assert.Equal(0, channel);
        Assert.True(data.IsEmpty, name);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x00, 0x00, 0x00 }, 0)] // empty data
    [InlineData(new byte[] { 0x4F, 0xFF, 0x00, 0x01, 9 }, 1)] // highest channel, unpadded
    [InlineData(new byte[] { 0x4F, 0xFF, 0x00, 0x01, 9, 0 }, 1)] // partly padded
    [InlineData(new byte[] { 0x4F, 0xFF, 0x00, 0x01, 9, 0, 0, 0 }, 1)] // fully padded
    public void Padding_up_to_a_multiple_of_4_is_accepted(byte[] datagram, int length)
    {
        Assert.Equal(ChannelDataParseResult.Ok, ChannelData.TryRead(datagram, out _, out ReadOnlySpan<byte> data));
        Assert.Equal(length, data.Length);
    }

    [Theory]
    [InlineData(0x3FFF)]
    [InlineData(0x5000)]
    [InlineData(0)]
    [InlineData(0xFFFF)]
    public void Writing_a_reserved_channel_fails_without_throwing(int channel)
    {
        byte[] buffer = new byte[16];
        Assert.False(ChannelData.TryWrite(buffer, (ushort)channel, [1], out int written));
        Assert.Equal(0, written);
        Assert.False(ChannelData.TryWriteHeader(buffer, (ushort)channel, 1));
        Assert.False(ChannelData.TryWrite(new ArrayBufferWriter<byte>(), (ushort)channel, [1]));
    }

    [Fact]
    public void Too_small_a_destination_or_too_much_data_fails_without_throwing()
    {
        Assert.False(ChannelData.TryWrite(new byte[4], 0x4000, [1], out _));
        Assert.False(ChannelData.TryWrite(new byte[7], 0x4000, [1, 2, 3, 4], out _));
        Assert.False(ChannelData.TryWrite(new byte[8], 0x4000, [1], out _, pad: true) is false);
        Assert.False(ChannelData.TryWrite(new byte[70_000], 0x4000, new byte[65_536], out _));
        Assert.False(ChannelData.TryWriteHeader(new byte[3], 0x4000, 1));
        Assert.False(ChannelData.TryWriteHeader(new byte[4], 0x4000, 65_536));
        Assert.True(ChannelData.TryWriteHeader(new byte[4], 0x4000, 65_535));
    }

    [Fact]
    public void Demultiplexing_by_first_byte_separates_stun_and_channel_data()
    {
        for (int first = 0; first < 256; first++)
        {
            byte[] datagram = [(byte)first, 0, 0, 0];
            Assert.Equal(first is >= 0x40 and <= 0x4F, ChannelData.IsChannelData(datagram));
        }

        Assert.False(ChannelData.IsChannelData([0x40, 0, 0]));
    }
}
