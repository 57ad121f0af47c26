using System.Text;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipMultipartBodyTests
{
    [Fact]
    public void Sdp_and_call_key_parts_round_trip_inside_an_invite()
    {
        byte[] key = [0x00, 0x01, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0x00];
        var body = new SipMultipartBody(SipMultipartBody.NewBoundary(), [
            new SipBodyPart("application/sdp", Encoding.ASCII.GetBytes(SipSamples.OpusSdp), "session"),
            new SipBodyPart("application/vnd.voipkit.call-key", key, "render;handling=optional"),
        ]);
        string text = SipSamples.InviteText(body: "")
            .Replace("Content-Type: application/sdp", "Content-Type: " + body.ContentTypeValue(), StringComparison.Ordinal);
        SipMessage invite = SipMessage.Parse(Encoding.UTF8.GetBytes(text));
        invite.Body = body.ToArray();

        SipMessage received = SipMessage.Parse(invite.ToArray());
        SipMultipartBody parsed = SipMultipartBody.FromMessage(received);
        Assert.Equal(body.Boundary, parsed.Boundary);
        Assert.Equal(2, parsed.Parts.Count);
        Assert.True(parsed.Parts[0].ContentType!.Is("application", "sdp"));
        Assert.Equal("session", parsed.Parts[0].GetHeader("content-disposition"));
        Assert.Equal(SipSamples.OpusSdp, Encoding.ASCII.GetString(parsed.Parts[0].Content.Span));
        Assert.Equal(key, parsed.Parts[1].Content.ToArray());
    }

    [Fact]
    public void Preamble_epilogue_padding_and_headerless_parts()
    {
        string text =
            "This is the preamble.\r\n" +
            "--simple boundary  \r\n" +
            "\r\n" +
            "implicitly typed plain text\r\n" +
            "--simple boundary\r\n" +
            "Content-type: text/plain;\r\n charset=us-ascii\r\n" +
            "\r\n" +
            "explicitly typed\r\n" +
            "--simple boundary--\r\n" +
            "This is the epilogue.\r\n";
        SipMultipartBody body = SipMultipartBody.Parse(Encoding.ASCII.GetBytes(text), "simple boundary");
        Assert.Equal(2, body.Parts.Count);
        Assert.Empty(body.Parts[0].Headers);
        Assert.Equal("implicitly typed plain text", Encoding.ASCII.GetString(body.Parts[0].Content.Span));
        Assert.Equal("text/plain; charset=us-ascii", body.Parts[1].GetHeader("Content-Type"));
        Assert.Equal("us-ascii", body.Parts[1].ContentType!.Parameters[0].Value);
        Assert.Equal("multipart/mixed;boundary=\"simple boundary\"", body.ContentTypeValue());
    }

    [Theory]
    [InlineData("no delimiter at all")]
    [InlineData("--b\r\nContent-Type: text/plain\r\n\r\nno close delimiter")]
    [InlineData("--b--\r\n")]
    [InlineData("--bx\r\n\r\nwrong\r\n--b--")]
    [InlineData("--b\r\nNo colon\r\n\r\nx\r\n--b--")]
    [InlineData("--b\r\nContent-Type: text/plain\r\nno empty line\r\n--b--")]
    [InlineData("--b junk\r\n\r\nx\r\n--b--")]
    public void Malformed_multipart_is_rejected(string text)
    {
        Assert.False(SipMultipartBody.TryParse(Encoding.ASCII.GetBytes(text), "b", out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Equal(SipParseError.BadMultipart, Assert.Throws<SipParseException>(() => SipMultipartBody.Parse(Encoding.ASCII.GetBytes(text), "b")).Error);
    }

    [Fact]
    public void Too_many_parts_are_rejected()
    {
        var sb = new StringBuilder();
        for (int i = 0; i <= SipMultipartBody.MaxParts; i++)
        {
            sb.Append("--b\r\n\r\nx\r\n");
        }

        sb.Append("--b--\r\n");
        Assert.False(SipMultipartBody.TryParse(Encoding.ASCII.GetBytes(sb.ToString()), "b", out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with space ")]
    [InlineData("bad;char")]
    public void Bad_boundaries_are_refused(string boundary) =>
        Assert.Throws<ArgumentException>(() => new SipMultipartBody(boundary, []));

    [Fact]
    public void Writing_refuses_a_part_containing_the_delimiter()
    {
        var body = new SipMultipartBody("b", [new SipBodyPart("text/plain", Encoding.ASCII.GetBytes("a\r\n--b\r\n"))]);
        Assert.Throws<InvalidOperationException>(body.ToArray);
    }
}
