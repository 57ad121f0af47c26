using System.Buffers;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipMessageTests
{
    [Fact]
    public void Typical_invite_parses_to_typed_values()
    {
        var request = Assert.IsType<SipRequest>(SipMessage.Parse(SipSamples.Invite));
        Assert.Equal("INVITE", request.Method);
        Assert.Equal("sip:bob@biloxi.example.com", request.RequestUri.ToString());
        SipVia via = Assert.Single(request.Via);
        Assert.Equal("UDP", via.Transport);
        Assert.Equal("pc33.atlanta.example.com", via.Host);
        Assert.Equal(5060, via.Port);
        Assert.Equal("z9hG4bK776asdhds", via.Branch);
        Assert.True(via.HasRPort);
        Assert.Equal("Bob", request.To!.DisplayName);
        Assert.Null(request.To.Tag);
        Assert.Equal("1928301774", request.From!.Tag);
        Assert.Equal("Alice", request.From.UnquotedDisplayName);
        Assert.Equal("a84b4c76e66710@pc33.atlanta.example.com", request.CallId);
        Assert.Equal(new SipCSeq(314159, "INVITE"), request.CSeq);
        Assert.Equal(70, request.MaxForwards);
        SipNameAddress contact = Assert.Single(request.Contacts);
        Assert.Equal(3600u, contact.Expires);
        Assert.Equal("udp", contact.Uri.Transport);
        Assert.Equal(["timer", "replaces"], request.Supported);
        Assert.Empty(request.Require);
        Assert.Equal(1800u, request.SessionExpires!.Seconds);
        Assert.Equal("uac", request.SessionExpires.Refresher);
        Assert.True(request.ContentType!.Is("application", "sdp"));
        Assert.Equal(request.Body.Length, request.ContentLength);
        Assert.Equal(SipSamples.OpusSdp, SipSamples.Text(request.Body.Span));
        Assert.Equal("INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE", request.GetHeader("allow"));
    }

    [Fact]
    public void Serializing_a_parsed_message_gives_the_same_bytes()
    {
        byte[] input = SipSamples.Invite;
        SipMessage message = SipMessage.Parse(input);
        var writer = new ArrayBufferWriter<byte>();
        message.WriteTo(writer);
        Assert.Equal(SipSamples.Text(input), SipSamples.Text(writer.WrittenSpan));
        Assert.Equal(message, SipMessage.Parse(writer.WrittenSpan));
    }

    [Fact]
    public void Compact_folded_and_repeated_headers_are_normalized_on_output()
    {
        string text =
            "SIP/2.0 180 Ringing\r\n" +
            "v: SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2;received=192.0.2.7;rport=5062\r\n" +
            "VIA: SIP/2.0/UDP c.example.com\r\n" +
            " ;branch=z9hG4bK3\r\n" +
            "f: <sip:a@example.com>;tag=1\r\n" +
            "t: <sip:b@example.com>;tag=2\r\n" +
            "i: abc\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "l: 0\r\n\r\n";
        var response = Assert.IsType<SipResponse>(SipMessage.Parse(SipSamples.Bytes(text)));
        Assert.Equal(180, response.StatusCode);
        Assert.Equal("Ringing", response.ReasonPhrase);
        Assert.Equal(["a.example.com", "b.example.com", "c.example.com"], response.Via.Select(v => v.Host));
        Assert.Equal("192.0.2.7", response.Via[1].Received);
        Assert.Equal(5062, response.Via[1].RPort);
        Assert.Equal("SIP/2.0/UDP c.example.com ;branch=z9hG4bK3", response.Headers[1].Value);
        string output = SipSamples.Text(response.ToArray());
        Assert.StartsWith("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP", output, StringComparison.Ordinal);
        Assert.Contains("\r\nCall-ID: abc\r\n", output, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 0\r\n\r\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_request_serializes_with_content_length()
    {
        var request = new SipRequest("OPTIONS", SipUri.Parse("sip:bob@example.com"), [
            new SipHeader("Via", "SIP/2.0/TLS client.example.com;branch=z9hG4bKx;rport"),
            new SipHeader("From", "<sip:alice@example.com>;tag=88"),
            new SipHeader("To", "<sip:bob@example.com>"),
            new SipHeader("Call-ID", "opt-1"),
            new SipHeader("CSeq", "2 OPTIONS"),
        ], SipSamples.Bytes("hello"));
        request.SetHeader("Max-Forwards", "70");
        string text = SipSamples.Text(request.ToArray());
        Assert.EndsWith("Max-Forwards: 70\r\nContent-Length: 5\r\n\r\nhello", text, StringComparison.Ordinal);
        SipMessage again = SipMessage.Parse(SipSamples.Bytes(text), SipParseOptions.Stream);
        Assert.Equal(5, again.ContentLength);
        Assert.Equal(2, request.RemoveHeaders("from") + request.RemoveHeaders("t"));
    }

    [Fact]
    public void Auth_headers_keep_raw_text_and_parse_on_request()
    {
        string text =
            "SIP/2.0 401 Unauthorized\r\n" +
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n" +
            "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>;tag=2\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n" +
            "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\\\"d\", algorithm=SHA-256, qop=\"auth\"\r\n" +
            "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\", algorithm=MD5\r\n" +
            "Content-Length: 0\r\n\r\n";
        SipMessage m = SipMessage.Parse(SipSamples.Bytes(text));
        IReadOnlyList<SipAuthValue> challenges = m.GetAuthValues(SipHeaderNames.WwwAuthenticate);
        Assert.Equal(2, challenges.Count);
        Assert.Equal("abc\"d", challenges[0].Get("nonce"));
        Assert.Equal("SHA-256", challenges[0].Get("algorithm"));
        Assert.Equal("MD5", challenges[1].Get("algorithm"));
        Assert.Equal("Digest realm=\"example.com\", nonce=\"abc\\\"d\", algorithm=SHA-256, qop=\"auth\"", m.GetHeader("www-authenticate"));
    }

    [Fact]
    public void Wildcard_contact_and_push_parameters()
    {
        string text =
            "REGISTER sip:example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/TCP 192.0.2.3:5070;branch=z9hG4bKr\r\n" +
            "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: reg\r\nCSeq: 2 REGISTER\r\n" +
            "Contact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n";
        SipMessage m = SipMessage.Parse(SipSamples.Bytes(text));
        Assert.True(m.IsWildcardContact);
        Assert.Empty(m.Contacts);
        Assert.Equal(0u, m.Expires);

        text = text.Replace("Contact: *", "Contact: <sip:a@192.0.2.3:5070;transport=tcp;pn-provider=apns;pn-prid=ZTY4ZDJlMzODE1NmUgKi0K;pn-param=ABCD1234.com.example.voip>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"", StringComparison.Ordinal)
            .Replace("Expires: 0", "Expires: 600", StringComparison.Ordinal);
        m = SipMessage.Parse(SipSamples.Bytes(text));
        SipUri uri = Assert.Single(m.Contacts).Uri;
        Assert.Equal("apns", uri.GetParameter("pn-provider"));
        Assert.Equal("ZTY4ZDJlMzODE1NmUgKi0K", uri.GetParameter("pn-prid"));
        Assert.Equal("ABCD1234.com.example.voip", uri.GetParameter("pn-param"));
    }

    [Fact]
    public void Rejected_request_with_readable_headers_can_be_answered()
    {
        string text = SipSamples.InviteText().Replace("Max-Forwards: 70", "Max-Forwards: 700", StringComparison.Ordinal);
        var error = Assert.Throws<SipParseException>(() => SipMessage.Parse(SipSamples.Bytes(text)));
        Assert.Equal(SipParseError.BadHeaderValue, error.Error);
        Assert.Equal(SipHeaderNames.MaxForwards, error.HeaderName);
        Assert.True(error.CanRespond);
        SipResponse response = SipResponse.ForRejectedRequest(error);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Bad Request", response.ReasonPhrase);
        Assert.Equal(16, response.To!.Tag!.Length);
        Assert.Equal("a84b4c76e66710@pc33.atlanta.example.com", response.CallId);
        Assert.Equal(new SipCSeq(314159, "INVITE"), response.CSeq);
        Assert.Equal("z9hG4bK776asdhds", Assert.Single(response.Via).Branch);
        Assert.IsType<SipResponse>(SipMessage.Parse(response.ToArray()));
    }
}
