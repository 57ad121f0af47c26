using System.Text;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipMalformedTests
{
    private const string Headers =
        "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n" +
        "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n";

    public static TheoryData<string, SipParseError> Cases() => new()
    {
        { "", SipParseError.Empty },
        { "\r\n\r\n", SipParseError.Empty },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers, SipParseError.Truncated },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("Call-ID: c1", "Call-ID: c1\0x", StringComparison.Ordinal) + "\r\n", SipParseError.InvalidCharacter },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("Call-ID: c1", "Call-ID: c1\nX: y", StringComparison.Ordinal) + "\r\n", SipParseError.InvalidCharacter },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("Call-ID: c1", "Call-ID: c\u00011", StringComparison.Ordinal) + "\r\n", SipParseError.InvalidCharacter },
        { "SIP/2.0 200 O\\\u0001K\r\n" + Headers + "\r\n", SipParseError.InvalidCharacter },
        { "OPTIONS sip:b@example.com\r\n" + Headers + "\r\n", SipParseError.BadStartLine },
        { "OPTIONS sip:b@example.com HTTP/1.1\r\n" + Headers + "\r\n", SipParseError.BadStartLine },
        { "OPT<IONS sip:b@example.com SIP/2.0\r\n" + Headers + "\r\n", SipParseError.BadMethod },
        { "OPTIONS sip:b@ SIP/2.0\r\n" + Headers + "\r\n", SipParseError.BadUri },
        { "OPTIONS sip:b@example.com SIP/3.0\r\n" + Headers + "\r\n", SipParseError.UnsupportedVersion },
        { "SIP/2.0 99 Odd\r\n" + Headers + "\r\n", SipParseError.BadStatusCode },
        { "SIP/2.0 700 Odd\r\n" + Headers + "\r\n", SipParseError.BadStatusCode },
        { "SIP/2.0 20x OK\r\n" + Headers + "\r\n", SipParseError.BadStatusCode },
        { "SIP/2.0\r\n" + Headers + "\r\n", SipParseError.BadStartLine },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "NoColonHere\r\n\r\n", SipParseError.BadHeaderLine },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Bad Name: x\r\n\r\n", SipParseError.BadHeaderLine },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n : folded first\r\n" + Headers + "\r\n", SipParseError.BadHeaderLine },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Content-Length: -5\r\n\r\n", SipParseError.BadContentLength },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Content-Length: five\r\n\r\n", SipParseError.BadContentLength },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Content-Length: 99999999999999999999\r\n\r\n", SipParseError.BadContentLength },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Content-Length: 10\r\n\r\nshort", SipParseError.BodyTooShort },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("CSeq: 1 OPTIONS", "CSeq: 99999999999999999999 OPTIONS", StringComparison.Ordinal) + "\r\n", SipParseError.BadHeaderValue },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Max-Forwards: 256\r\n\r\n", SipParseError.BadHeaderValue },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Expires: 4294967296\r\n\r\n", SipParseError.BadHeaderValue },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Call-ID: again\r\n\r\n", SipParseError.DuplicateHeader },
        { "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("Call-ID: c1\r\n", "", StringComparison.Ordinal) + "\r\n", SipParseError.MissingHeader },
        { "INVITE sip:b@example.com SIP/2.0\r\n" + Headers + "\r\n", SipParseError.MethodMismatch },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_input_gets_a_typed_error(string text, SipParseError expected)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        Assert.False(SipMessage.TryParse(data, out _, out SipParseException? error));
        Assert.Equal(expected, error.Error);
        Assert.False(string.IsNullOrEmpty(error.Message));
        Assert.Equal(expected, Assert.Throws<SipParseException>(() => SipMessage.Parse(data)).Error);
    }

    [Fact]
    public void Oversized_datagram_is_rejected_before_parsing()
    {
        byte[] data = new byte[SipParseOptions.DefaultMaxMessageSize + 1];
        Assert.False(SipMessage.TryParse(data, out _, out SipParseException? error));
        Assert.Equal(SipParseError.MessageTooLarge, error.Error);

        byte[] invite = SipSamples.Invite;
        Assert.False(SipMessage.TryParse(invite, out _, out error, new SipParseOptions { MaxMessageSize = 512 }));
        Assert.Equal(SipParseError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void Too_many_headers_are_rejected()
    {
        var sb = new StringBuilder("OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers);
        for (int i = 0; i < 300; i++)
        {
            sb.Append("X-Filler: ").Append(i).Append("\r\n");
        }

        sb.Append("\r\n");
        Assert.False(SipMessage.TryParse(Encoding.UTF8.GetBytes(sb.ToString()), out _, out SipParseException? error));
        Assert.Equal(SipParseError.TooManyHeaders, error.Error);
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        byte[] data = [.. Encoding.UTF8.GetBytes("SIP/2.0 200 O"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("K\r\n" + Headers + "\r\n")];
        Assert.False(SipMessage.TryParse(data, out _, out SipParseException? error));
        Assert.Equal(SipParseError.InvalidCharacter, error.Error);
    }

    [Fact]
    public void Stream_options_require_content_length()
    {
        byte[] data = Encoding.UTF8.GetBytes("OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "\r\n");
        Assert.True(SipMessage.TryParse(data, out _, out _));
        Assert.False(SipMessage.TryParse(data, out _, out SipParseException? error, SipParseOptions.Stream));
        Assert.Equal(SipParseError.MissingContentLength, error.Error);
        Assert.True(error.CanRespond);
    }

    [Fact]
    public void Truncations_of_a_valid_message_never_crash()
    {
        byte[] invite = SipSamples.Invite;
        for (int n = 0; n < invite.Length; n++)
        {
            bool ok = SipMessage.TryParse(invite.AsSpan(0, n), out SipMessage? m, out SipParseException? error);
            Assert.True(ok ^ (error is not null));
            Assert.False(ok, $"A {n}-byte truncation parsed: {m}");
        }
    }

    [Fact]
    public void Absurd_numbers_everywhere_are_rejected()
    {
        string big = new('9', 5000);
        foreach (string text in new[]
        {
            $"SIP/2.0 {big} OK\r\n" + Headers + "\r\n",
            "OPTIONS sip:b@example.com:" + big + " SIP/2.0\r\n" + Headers + "\r\n",
            "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers + "Content-Length: " + big + "\r\n\r\n",
            "OPTIONS sip:b@example.com SIP/2.0\r\n" + Headers.Replace("CSeq: 1", "CSeq: " + big, StringComparison.Ordinal) + "\r\n",
            "OPTIONS sip:b@example.com SIP/" + big + ".0\r\n" + Headers + "\r\n",
        })
        {
            Assert.False(SipMessage.TryParse(Encoding.UTF8.GetBytes(text), out _, out _));
        }
    }
}
