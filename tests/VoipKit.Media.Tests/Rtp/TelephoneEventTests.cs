using FsCheck.Xunit;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtp;

public class TelephoneEventTests
{
    // RFC 4733 2.3 layout: event, E|R|volume, duration (network order). The first rows are a
    // digit's updates every 50 ms and its end at an 8 kHz clock, as in the RFC's examples.
    public static TheoryData<byte[], byte, bool, byte, ushort> KnownPayloads => new()
    {
        { [0x09, 0x07, 0x01, 0x90], 9, false, 7, 400 },
        { [0x09, 0x07, 0x03, 0x20], 9, false, 7, 800 },
        { [0x09, 0x87, 0x06, 0x40], 9, true, 7, 1600 },
        { [0x00, 0x0A, 0x03, 0xC0], 0, false, 10, 960 },         // digit 0, -10 dBm0, 20 ms at 48 kHz
        { [0x0B, 0x8A, 0x12, 0xC0], 11, true, 10, 4800 },        // #, end, 100 ms at 48 kHz
        { [0xFF, 0xBF, 0xFF, 0xFF], 255, true, 63, 65535 },       // every field at its maximum
        { [0x00, 0x00, 0x00, 0x00], 0, false, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(KnownPayloads))]
    public void Reads_and_writes_the_rfc4733_layout(byte[] bytes, byte code, bool end, byte volume, ushort duration)
    {
        Assert.True(TelephoneEvent.TryRead(bytes, out TelephoneEvent e));
        Assert.Equal(new TelephoneEvent(code, end, volume, duration), e);
        Assert.Equal(code, e.Event);
        Assert.Equal(end, e.End);
        Assert.Equal(volume, e.Volume);
        Assert.Equal(duration, e.Duration);
        byte[] written = new byte[8];
        Assert.True(e.TryWrite(written, out int n));
        Assert.Equal(4, n);
        Assert.Equal(bytes, written[..4]);
    }

    [Fact]
    public void The_reserved_bit_is_ignored_on_reading_and_written_as_zero()
    {
        Assert.True(TelephoneEvent.TryRead([0x05, 0xC0 | 20, 0x01, 0x00], out TelephoneEvent e)); // E=1, R=1, volume 20
        Assert.Equal(new TelephoneEvent(5, true, 20, 256), e);
        byte[] written = new byte[4];
        Assert.True(e.TryWrite(written, out _));
        Assert.Equal([0x05, 0x80 | 20, 0x01, 0x00], written);
    }

    [Fact]
    public void A_longer_payload_gives_its_first_event_and_the_rest_is_ignored()
    {
        // Packed events (RFC 4733 2.5.1.5) and RFC 2198 redundancy are not supported: the first 4 bytes are the event.
        Assert.True(TelephoneEvent.TryRead([0x01, 0x0A, 0x00, 0xA0, 0x02, 0x8A, 0x01, 0x40, 0xEE], out TelephoneEvent e));
        Assert.Equal(new TelephoneEvent(1, false, 10, 160), e);
    }

    public static TheoryData<byte[]> TooShort => new() { Array.Empty<byte>(), new byte[] { 0x01 }, new byte[] { 0x01, 0x8A }, new byte[] { 0x01, 0x8A, 0x00 } };

    [Theory]
    [MemberData(nameof(TooShort))]
    public void A_payload_shorter_than_4_bytes_is_rejected(byte[] payload)
    {
        Assert.False(TelephoneEvent.TryRead(payload, out TelephoneEvent e));
        Assert.Equal(default, e);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Writing_into_fewer_than_4_bytes_fails_and_writes_nothing(int size)
    {
        byte[] destination = new byte[size];
        Assert.False(new TelephoneEvent(1, true, 10, 800).TryWrite(destination, out int written));
        Assert.Equal(0, written);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(255)]
    public void A_volume_above_63_is_refused(byte volume) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TelephoneEvent(1, false, volume, 0));

    [Property(MaxTest = 500)]
    public bool Read_of_write_is_identity(byte code, bool end, byte volumeSeed, ushort duration)
    {
        var e = new TelephoneEvent(code, end, (byte)(volumeSeed % 64), duration);
        Span<byte> bytes = stackalloc byte[TelephoneEvent.Length];
        return e.TryWrite(bytes, out int n) && n == 4 && TelephoneEvent.TryRead(bytes, out TelephoneEvent back) && back == e;
    }

    [Property(MaxTest = 500)]
    public bool Write_of_read_gives_the_bytes_back_with_the_reserved_bit_cleared(byte[] payload)
    {
        if (!TelephoneEvent.TryRead(payload, out TelephoneEvent e))
        {
            return payload.Length < 4;
        }

        byte[] expected = payload[..4];
        expected[1] &= 0xBF;
        byte[] written = new byte[4];
        return e.TryWrite(written, out _) && written.SequenceEqual(expected);
    }

    [Theory]
    [InlineData('0', 0)]
    [InlineData('1', 1)]
    [InlineData('5', 5)]
    [InlineData('9', 9)]
    [InlineData('*', 10)]
    [InlineData('#', 11)]
    [InlineData('A', 12)]
    [InlineData('B', 13)]
    [InlineData('C', 14)]
    [InlineData('D', 15)]
    public void Dtmf_digits_map_to_the_rfc4733_event_codes_and_back(char digit, byte code)
    {
        Assert.True(DtmfDigit.TryGetEventCode(digit, out byte got));
        Assert.Equal(code, got);
        Assert.True(DtmfDigit.TryGetDigit(code, out char back));
        Assert.Equal(digit, back);
        Assert.True(DtmfDigit.IsValid(digit));
    }

    [Theory]
    [InlineData('a', 12)]
    [InlineData('b', 13)]
    [InlineData('c', 14)]
    [InlineData('d', 15)]
    public void Lower_case_a_to_d_map_like_upper_case_and_come_back_upper_case(char digit, byte code)
    {
        Assert.True(DtmfDigit.TryGetEventCode(digit, out byte got));
        Assert.Equal(code, got);
        Assert.True(DtmfDigit.TryGetDigit(code, out char back));
        Assert.Equal(char.ToUpperInvariant(digit), back);
    }

    [Theory]
    [InlineData('E')]
    [InlineData('e')]
    [InlineData(',')]
    [InlineData(' ')]
    [InlineData('+')]
    [InlineData('\0')]
    [InlineData('٣')] // ARABIC-INDIC DIGIT THREE: a digit, but not a DTMF one
    public void Other_characters_are_not_dtmf_digits(char c)
    {
        Assert.False(DtmfDigit.TryGetEventCode(c, out byte code));
        Assert.Equal(0, code);
        Assert.False(DtmfDigit.IsValid(c));
    }

    [Theory]
    [InlineData(16)] // other events (RFC 2833's flash); RFC 4733 3.2 gives DTMF 0-15 only
    [InlineData(255)]
    public void Event_codes_above_15_have_no_digit(byte code)
    {
        Assert.False(DtmfDigit.TryGetDigit(code, out char digit));
        Assert.Equal('\0', digit);
    }
}
