using System.Buffers;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipStreamFramerTests
{
    private static readonly SipStreamFramer s_framer = new();

    [Fact]
    public void Cuts_back_to_back_messages_and_keepalives()
    {
        byte[] invite = SipSamples.Invite;
        byte[] stream = [.. "\r\n\r\n"u8, .. invite, .. "\r\n"u8, .. invite];
        var buffer = new ReadOnlySequence<byte>(stream);
        Assert.Equal(SipFrameStatus.KeepAlivePing, s_framer.TryRead(ref buffer, out _));
        Assert.Equal(SipFrameStatus.Message, s_framer.TryRead(ref buffer, out ReadOnlySequence<byte> first));
        Assert.Equal(invite, first.ToArray());
        Assert.Equal(SipFrameStatus.KeepAlivePong, s_framer.TryRead(ref buffer, out _));
        Assert.Equal(SipFrameStatus.Message, s_framer.TryRead(ref buffer, out ReadOnlySequence<byte> second));
        Assert.Equal(invite, second.ToArray());
        Assert.Equal(SipFrameStatus.NeedMoreData, s_framer.TryRead(ref buffer, out _));
        Assert.True(buffer.IsEmpty);
        SipMessage.Parse(second.ToArray(), SipParseOptions.Stream);
    }

    [Fact]
    public void Any_split_into_segments_gives_the_same_message()
    {
        byte[] invite = SipSamples.Invite;
        for (int cut = 1; cut < invite.Length; cut += 37)
        {
            // Partial input: needs more data and consumes nothing.
            var partial = new ReadOnlySequence<byte>(invite.AsMemory(0, cut));
            Assert.Equal(SipFrameStatus.NeedMoreData, s_framer.TryRead(ref partial, out _));
            Assert.Equal(cut, partial.Length);

            ReadOnlySequence<byte> whole = Segments.Create(invite.AsMemory(0, cut), invite.AsMemory(cut));
            Assert.Equal(SipFrameStatus.Message, s_framer.TryRead(ref whole, out ReadOnlySequence<byte> message));
            Assert.Equal(invite, message.ToArray());
        }
    }

    [Fact]
    public void Multi_segment_frames_parse_like_contiguous_ones()
    {
        byte[] invite = SipSamples.Invite;
        ReadOnlySequence<byte> whole = Segments.Create(invite.AsMemory(0, 100), invite.AsMemory(100));
        Assert.Equal(SipFrameStatus.Message, s_framer.TryRead(ref whole, out ReadOnlySequence<byte> frame));
        Assert.False(frame.IsSingleSegment);
        Assert.True(SipMessage.TryParse(frame, out SipMessage? message, out _));
        Assert.Equal(SipMessage.Parse(invite), message);

        ReadOnlySequence<byte> bad = Segments.Create("OPTIONS sip:a@b SIP/2.0\r\n"u8.ToArray(), "l: 0\r\n\r\n"u8.ToArray());
        Assert.False(SipMessage.TryParse(bad, out _, out SipParseException? error));
        Assert.Equal(SipParseError.MissingHeader, error.Error);
    }

    [Theory]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n", SipFrameStatus.MissingContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", SipFrameStatus.BadContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nl: five\r\n\r\n", SipFrameStatus.BadContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nl: 99999999999\r\n\r\n", SipFrameStatus.BadContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\n", SipFrameStatus.BadContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nContent-Length: 70000\r\n\r\n", SipFrameStatus.MessageTooLarge)]
    public void Framing_errors(string text, SipFrameStatus expected)
    {
        var buffer = new ReadOnlySequence<byte>(SipSamples.Bytes(text));
        Assert.Equal(expected, s_framer.TryRead(ref buffer, out _));
        Assert.Equal(text.Length, buffer.Length);
    }

    [Fact]
    public void Endless_header_section_is_rejected_at_the_limit_not_buffered()
    {
        var framer = new SipStreamFramer(1024);
        byte[] junk = new byte[1024];
        Array.Fill(junk, (byte)'a');
        var buffer = new ReadOnlySequence<byte>(junk.AsMemory(0, 1023));
        Assert.Equal(SipFrameStatus.NeedMoreData, framer.TryRead(ref buffer, out _));
        buffer = new ReadOnlySequence<byte>(junk);
        Assert.Equal(SipFrameStatus.MessageTooLarge, framer.TryRead(ref buffer, out _));
    }

    [Fact]
    public void Body_over_the_limit_is_rejected_before_it_arrives()
    {
        var framer = new SipStreamFramer(2048);
        var buffer = new ReadOnlySequence<byte>(SipSamples.Bytes("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 2000\r\n\r\n"));
        Assert.Equal(SipFrameStatus.MessageTooLarge, framer.TryRead(ref buffer, out _));
    }

    [Fact]
    public void Lone_cr_waits_and_partial_ping_waits()
    {
        var buffer = new ReadOnlySequence<byte>("\r"u8.ToArray());
        Assert.Equal(SipFrameStatus.NeedMoreData, s_framer.TryRead(ref buffer, out _));
        buffer = new ReadOnlySequence<byte>("\r\n\r"u8.ToArray());
        Assert.Equal(SipFrameStatus.NeedMoreData, s_framer.TryRead(ref buffer, out _));
        buffer = new ReadOnlySequence<byte>("\r\n"u8.ToArray());
        Assert.Equal(SipFrameStatus.KeepAlivePong, s_framer.TryRead(ref buffer, out _));
        Assert.True(buffer.IsEmpty);
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b)
        {
            var first = new Segments(a, 0);
            var second = new Segments(b, a.Length);
            first.Next = second;
            return new ReadOnlySequence<byte>(first, 0, second, b.Length);
        }
    }
}
