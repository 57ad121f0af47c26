using System.Text;

namespace VoipKit.Signaling.Tests.Messages;

/// <summary>Messages shared by the tests.</summary>
internal static class SipSamples
{
    public const string OpusSdp =
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 49170 RTP/SAVP 111\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n";

    public static string InviteText(string body = OpusSdp) =>
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600\r\n" +
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE\r\n" +
        "Supported: timer, replaces\r\n" +
        "Session-Expires: 1800;refresher=uac\r\n" +
        "User-Agent: VoipKit/0.1\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" +
        "\r\n" +
        body;

    public static byte[] Invite => Encoding.UTF8.GetBytes(InviteText());

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}
