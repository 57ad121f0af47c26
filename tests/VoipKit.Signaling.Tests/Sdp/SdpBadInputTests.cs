using System.Text;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

public class SdpBadInputTests
{
    private const string Head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("o=- 1 1 IN IP4 192.0.2.1\r\n", 1, "start with v=")]
    [InlineData("v=1\r\n", 1, "version")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", 0, "o=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\nt=0 0\r\n", 0, "s=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\n", 0, "t=")]
    [InlineData("v=0\r\no=- x 1 IN IP4 a\r\ns=-\r\nt=0 0\r\n", 2, "session id")]
    [InlineData("v=0\r\no=- 99999999999999999999 1 IN IP4 a\r\ns=-\r\nt=0 0\r\n", 2, "session id")]
    [InlineData("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, "origin address")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\n", 3, "more than one o=")]
    [InlineData(Head + "x=unknown\r\n", 6, "unknown")]
    [InlineData(Head + "Z=upper\r\n", 6, "<type>=<value>")]
    [InlineData(Head + "garbage\r\n", 6, "<type>=<value>")]
    [InlineData(Head + "m=audio 65536 RTP/AVP 0\r\n", 6, "media port")]
    [InlineData(Head + "m=audio -1 RTP/AVP 0\r\n", 6, "media port")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 128\r\n", 6, "payload type")]
    [InlineData(Head + "m=audio 4000 RTP/AVP\r\n", 6, "without formats")]
    [InlineData(Head + "m=audio 4000\r\n", 6, "media protocol")]
    [InlineData(Head + "m=audio 4000/0 RTP/AVP 0\r\n", 6, "port count")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\ne=x@y\r\n", 7, "media description")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", 7, "rtpmap")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n", 7, "clock rate")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMU/8000\r\n", 8, "duplicate")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=ptime:abc\r\n", 7, "ptime")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=ptime:20\r\na=ptime:30\r\n", 8, "duplicate ptime")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=rtcp:70000\r\n", 7, "rtcp port")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=rtcp-mux:1\r\n", 7, "no value")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n", 8, "duplicate direction")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 70000 typ host\r\n", 7, "candidate port")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 0 10.0.0.1 5000 typ host\r\n", 7, "priority")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 0 UDP 1 10.0.0.1 5000 typ host\r\n", 7, "component")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 5000 typ bogus\r\n", 7, "candidate type")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 5000 host\r\n", 7, "typ")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 5000 typ host generation\r\n", 7, "extension value")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=candidate:f*o 1 UDP 1 10.0.0.1 5000 typ host\r\n", 7, "foundation")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=ice-ufrag:ab\r\n", 7, "ice-ufrag")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=ice-pwd:short\r\n", 7, "ice-pwd")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=setup:sometimes\r\n", 7, "setup")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=fingerprint:sha-256 AB:CD\r\n", 7, "32 bytes")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=fingerprint:sha-1 ZZ\r\n", 7, "hex")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n", 7, "needs 30")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:not*base64\r\n", 7, "base64")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 key:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", 7, "inline")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^99\r\n", 7, "lifetime")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:0\r\n", 7, "MKI length")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", 8, "crypto tag")]
    [InlineData(Head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:x AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", 7, "crypto tag")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=x-voipkit-e2e:0\r\n", 7, "x-voipkit-e2e")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=remote-candidates:1 10.0.0.1\r\n", 7, "remote candidate port")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 a\r\nc=IN IP4 b\r\n", 8, "more than one c=")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\nb=AS\r\n", 7, "b= line")]
    [InlineData(Head + "m=audio 4000 RTP/AVP 0\r\na=bad name:1\r\n", 7, "attribute name")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", 0, "no connection address")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nr=1 2 3\r\nt=0 0\r\n", 4, "before any t=")]
    [InlineData(Head + "a=x\rm=audio 1 RTP/AVP 0\r\n", 6, "CR or NUL")]
    [InlineData(Head + "a=x\0\r\n", 6, "CR or NUL")]
    public void Bad_input_gives_a_typed_error_with_line_and_reason(string text, int line, string reasonPart)
    {
        var e = Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(reasonPart, e.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(SessionDescription.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Equal(e.Reason, error!.Reason);
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        var bytes = Encoding.UTF8.GetBytes(Head).Concat(new byte[] { (byte)'s', (byte)'=', 0xC3, 0x28, 13, 10 }).ToArray();
        Assert.Contains("UTF-8", Assert.Throws<SdpParseException>(() => SessionDescription.Parse(bytes)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_input_is_rejected_before_parsing()
    {
        var big = new byte[SessionDescription.MaxBytes + 1];
        Assert.Contains("longer", Assert.Throws<SdpParseException>(() => SessionDescription.Parse(big)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_lines_are_rejected()
    {
        var text = Head + string.Concat(Enumerable.Repeat("a=x\n", SessionDescription.MaxLines));
        Assert.Equal(SessionDescription.MaxLines + 1, Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text)).LineNumber);
    }

    [Fact]
    public void Sloppy_but_harmless_input_is_accepted()
    {
        // LF endings, trailing blanks, blank lines, runs of spaces, empty s=, a rejected stream without c= or formats.
        var text = "v=0\no=-  1 1 IN IP4 192.0.2.1 \n\ns=\nt=0 0\nm=audio 4000  RTP/AVP  0\nc=IN IP4 192.0.2.1\nm=video 0 RTP/AVP\n\n";
        var sdp = SessionDescription.Parse(text);
        Assert.Equal(2, sdp.Media.Count);
        Assert.Equal(string.Empty, sdp.SessionName);
        Assert.Empty(sdp.Media[1].Formats);
    }

    [Fact]
    public void Unpadded_base64_keys_are_accepted_and_unknown_suites_kept()
    {
        var sdp = SessionDescription.Parse(Head + "m=audio 4000 RTP/SAVP 0\r\n" +
            "a=crypto:3 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw\r\n" +
            "a=crypto:4 FUTURE_SUITE inline:AAAA KDR=1 UNENCRYPTED_SRTCP\r\n");
        Assert.Equal(28, sdp.Media[0].Crypto[0].Keys[0].KeySalt.Length);
        Assert.Equal(["KDR=1", "UNENCRYPTED_SRTCP"], sdp.Media[0].Crypto[1].SessionParameters);
    }
}
