using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipUriTests
{
    [Fact]
    public void Sip_uri_parts_are_parsed_and_kept_escaped()
    {
        SipUri uri = SipUri.Parse("sips:al%40ice:pw@[2001:db8::1]:5061;transport=tls;lr;pn-provider=apns;pn-prid=00fc13adff78512?Subject=hi%20there&Priority=urgent");
        Assert.Equal("sips", uri.Scheme);
        Assert.Equal("al%40ice", uri.User);
        Assert.Equal("al@ice", uri.UnescapedUser);
        Assert.Equal("pw", uri.Password);
        Assert.Equal("[2001:db8::1]", uri.Host);
        Assert.Equal(5061, uri.Port);
        Assert.Equal("tls", uri.Transport);
        Assert.True(uri.HasParameter("LR"));
        Assert.Null(uri.GetParameter("lr"));
        Assert.Equal("apns", uri.GetParameter("pn-provider"));
        Assert.Equal("00fc13adff78512", uri.GetParameter("pn-prid"));
        Assert.Equal([new SipParameter("Subject", "hi%20there"), new SipParameter("Priority", "urgent")], uri.Headers);
        Assert.Equal("sips:al%40ice:pw@[2001:db8::1]:5061;transport=tls;lr;pn-provider=apns;pn-prid=00fc13adff78512?Subject=hi%20there&Priority=urgent", uri.ToString());
    }

    [Theory]
    [InlineData("sip:example.com", null, "example.com", null)]
    [InlineData("sip:bob@192.0.2.4:5060", "bob", "192.0.2.4", 5060)]
    [InlineData("SIP:user;par=u%40example.net@example.com", "user;par=u%40example.net", "example.com", null)]
    public void Simple_sip_uris(string text, string? user, string host, int? port)
    {
        SipUri uri = SipUri.Parse(text);
        Assert.True(uri.IsSip);
        Assert.Equal(user, uri.User);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("tel:+1-201-555-0123;phone-context=example.com")]
    [InlineData("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("nobodyKnowsThisScheme:totallyopaquecontent")]
    public void Other_schemes_are_opaque(string text)
    {
        SipUri uri = SipUri.Parse(text);
        Assert.False(uri.IsSip);
        Assert.Equal(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..], uri.Opaque);
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:")]
    [InlineData("sip:user@")]
    [InlineData("sip:user@host:99999")]
    [InlineData("sip:user@host:")]
    [InlineData("sip:us er@host")]
    [InlineData("sip:user@ho st")]
    [InlineData("sip:user@host;")]
    [InlineData("sip:user@host;a=")]
    [InlineData("sip:user@host?x")]
    [InlineData("sip:user%4@host")]
    [InlineData("sip:user@[::1")]
    [InlineData("<sip:user@host>")]
    [InlineData("1sip:host")]
    [InlineData("tel:")]
    [InlineData("tel:a b")]
    public void Malformed_uris_are_rejected(string text)
    {
        Assert.False(SipUri.TryParse(text, out _));
        Assert.Equal(SipParseError.BadUri, Assert.Throws<SipParseException>(() => SipUri.Parse(text)).Error);
    }

    [Fact]
    public void Create_escapes_the_user()
    {
        SipUri uri = SipUri.Create("example.com", "a b@c:d\u00e9", 5070, [new SipParameter("transport", "tcp")]);
        Assert.Equal("sip:a%20b%40c%3Ad%C3%A9@example.com:5070;transport=tcp", uri.ToString());
        Assert.Equal("a b@c:d\u00e9", uri.UnescapedUser);
    }
}
