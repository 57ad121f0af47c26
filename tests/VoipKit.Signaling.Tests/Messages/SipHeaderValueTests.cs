using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipHeaderValueTests
{
    [Fact]
    public void Name_addr_with_quoted_display_name_and_tag()
    {
        SipNameAddress a = SipNameAddress.Parse("\"J Rosenberg \\\\\\\"\"  <sip:jdrosen@example.com> ;  tag = 98asjd8");
        Assert.Equal("\"J Rosenberg \\\\\\\"\"", a.DisplayName);
        Assert.Equal("J Rosenberg \\\"", a.UnquotedDisplayName);
        Assert.Equal("sip:jdrosen@example.com", a.Uri.ToString());
        Assert.Equal("98asjd8", a.Tag);
    }

    [Fact]
    public void Addr_spec_parameters_belong_to_the_header()
    {
        SipNameAddress a = SipNameAddress.Parse("sip:caller@example.net;tag=134161461246;expires=60");
        Assert.Empty(a.Uri.Parameters);
        Assert.Equal("134161461246", a.Tag);
        Assert.Equal(60u, a.Expires);
        Assert.Null(a.DisplayName);
    }

    [Fact]
    public void Contact_with_push_parameters_keeps_them_as_uri_parameters()
    {
        SipNameAddress a = SipNameAddress.Parse("Alice <sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=proj;pn-prid=tok%3Aen>;expires=3600;+sip.instance=\"<urn:uuid:1>\"");
        Assert.Equal("Alice", a.DisplayName);
        Assert.Equal("fcm", a.Uri.GetParameter("pn-provider"));
        Assert.Equal("proj", a.Uri.GetParameter("pn-param"));
        Assert.Equal("tok%3Aen", a.Uri.GetParameter("pn-prid"));
        Assert.Equal(3600u, a.Expires);
        Assert.Equal("\"<urn:uuid:1>\"", a.GetParameter("+sip.instance"));
    }

    [Theory]
    [InlineData("\"unterminated <sip:a@b>")]
    [InlineData("Bell, Alexander <sip:a.g.bell@example.com>")]
    [InlineData("< sip:a@example.com >")]
    [InlineData("<sip:a@example.com")]
    [InlineData("sip:user@example.com?Route=%3Csip:example.com%3E")]
    [InlineData("<sip:a@example.com>;")]
    [InlineData("<sip:a@example.com>;tag=")]
    [InlineData("<sip:a@example.com> junk")]
    [InlineData("")]
    public void Malformed_name_addrs_are_rejected(string text) => Assert.False(SipNameAddress.TryParse(text, out _));

    [Fact]
    public void Via_with_rport_flag_and_value()
    {
        Assert.True(SipVia.TryParse("SIP / 2.0 / UDP 192.0.2.2:5060 ; branch=z9hG4bK74bf9;rport", out SipVia? v));
        Assert.Equal("UDP", v.Transport);
        Assert.Equal("192.0.2.2", v.Host);
        Assert.Equal(5060, v.Port);
        Assert.Equal("z9hG4bK74bf9", v.Branch);
        Assert.True(v.HasRPort);
        Assert.Null(v.RPort);

        Assert.True(SipVia.TryParse("SIP/2.0/TCP [2001:db8::9];branch=z9hG4bKx;received=198.51.100.7;rport=40123", out v));
        Assert.Equal("[2001:db8::9]", v.Host);
        Assert.Null(v.Port);
        Assert.Equal("198.51.100.7", v.Received);
        Assert.Equal(40123, v.RPort);
        Assert.Equal("SIP/2.0/TCP [2001:db8::9];branch=z9hG4bKx;received=198.51.100.7;rport=40123", v.ToString());
    }

    [Theory]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0/UDP192.0.2.1")]
    [InlineData("SIP/2.0 192.0.2.1")]
    [InlineData("SIP/2.0/UDP 192.0.2.15;;")]
    [InlineData("SIP/2.0/UDP host:70000")]
    [InlineData("SIP/2.0/UDP ho st")]
    public void Malformed_vias_are_rejected(string text) => Assert.False(SipVia.TryParse(text, out _));

    [Theory]
    [InlineData("1 INVITE", 1u, "INVITE")]
    [InlineData("  2147483647   NEWMETHOD ", 2147483647u, "NEWMETHOD")]
    public void CSeq_values(string text, uint number, string method)
    {
        Assert.True(SipCSeq.TryParse(text, out SipCSeq c));
        Assert.Equal(new SipCSeq(number, method), c);
    }

    [Theory]
    [InlineData("2147483648 INVITE")]
    [InlineData("36893488147419103232 INVITE")]
    [InlineData("-1 INVITE")]
    [InlineData("1")]
    [InlineData("INVITE 1")]
    [InlineData("1 INV ITE")]
    public void Bad_cseq_values(string text) => Assert.False(SipCSeq.TryParse(text, out _));

    [Fact]
    public void Digest_challenge_parameters()
    {
        SipAuthValue v = SipAuthValue.Parse("Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\",\r\n nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", stale=FALSE, algorithm=MD5".Replace("\r\n", "", StringComparison.Ordinal));
        Assert.Equal("Digest", v.Scheme);
        Assert.Equal("atlanta.example.com", v.Get("realm"));
        Assert.Equal("auth,auth-int", v.Get("qop"));
        Assert.Equal("", v.Get("opaque"));
        Assert.Equal("FALSE", v.Get("stale"));
        Assert.Equal("MD5", v.Get("ALGORITHM"));
        Assert.True(SipAuthValue.TryParse(v.ToString(), out SipAuthValue? again));
        Assert.Equal(v.Parameters, again.Parameters);
    }

    [Theory]
    [InlineData("Digest realm=\"x")]
    [InlineData("Digest realm")]
    [InlineData("Digest realm=x,")]
    [InlineData("Digest realm=x nonce=y")]
    [InlineData("")]
    public void Bad_auth_values(string text) => Assert.False(SipAuthValue.TryParse(text, out _));

    [Fact]
    public void Content_type_with_quoted_boundary()
    {
        Assert.True(SipContentType.TryParse("multipart/mixed ; boundary=\"unique-boundary-1\"", out SipContentType? c));
        Assert.True(c.IsMultipart);
        Assert.True(c.Is("Multipart", "MIXED"));
        Assert.Equal("unique-boundary-1", c.Boundary);
        Assert.False(SipContentType.TryParse("application", out _));
    }

    [Fact]
    public void Session_expires_with_refresher()
    {
        Assert.True(SipSessionExpires.TryParse("1800;refresher=uac", out SipSessionExpires? s));
        Assert.Equal(1800u, s.Seconds);
        Assert.Equal("uac", s.Refresher);
        Assert.False(SipSessionExpires.TryParse("4294967296", out _));
    }

    [Theory]
    [InlineData("i", "Call-ID")]
    [InlineData("M", "Contact")]
    [InlineData("l", "Content-Length")]
    [InlineData("c", "Content-Type")]
    [InlineData("f", "From")]
    [InlineData("t", "To")]
    [InlineData("v", "Via")]
    [InlineData("k", "Supported")]
    [InlineData("x", "Session-Expires")]
    [InlineData("o", "Event")]
    [InlineData("call-id", "Call-ID")]
    [InlineData("X-Custom", "X-Custom")]
    public void Compact_and_case_forms_are_canonical(string name, string canonical) => Assert.Equal(canonical, SipHeaderNames.Canonical(name));

    [Fact]
    public void Header_values_cannot_inject_lines() =>
        Assert.Throws<ArgumentException>(() => new SipHeader("Subject", "hi\r\nVia: evil"));
}
