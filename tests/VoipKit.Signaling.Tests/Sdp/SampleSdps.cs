namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>Hand-written descriptions shaped like what real peers send (field layouts from baresip 1.0, browsers, PBXs).</summary>
internal static class SampleSdps
{
    /// <summary>Hand-written SDES offer in baresip's layout, with two crypto suites, a=rtcp and b=AS.</summary>
    public const string SdesTwoSuitesOffer =
        "v=0\r\n" +
        "o=- 1285312847 3174207129 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 10226 RTP/SAVP 111 0 8 101\r\n" +
        "b=AS:96\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=fmtp:111 stereo=1;sprop-stereo=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=rtcp:10227\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n" +
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:FMn4w7HjtJ4ObwBYqqbxpdWxZqEx5vkJX4XO7RfN\r\n" +
        "a=ptime:20\r\n";

    /// <summary>A browser-style audio-only offer: DTLS-SRTP, ICE with four candidates, rtcp-mux, trickle.</summary>
    public const string WebRtcOffer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=extmap-allow-mixed\r\n" +
        "a=msid-semantic: WMS\r\n" +
        "m=audio 54321 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n" +
        "c=IN IP4 203.0.113.7\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:2999745851 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 network-id 1\r\n" +
        "a=candidate:1606961068 1 udp 1686052607 203.0.113.7 54321 typ srflx raddr 192.168.1.20 rport 54321 generation 0 network-id 1\r\n" +
        "a=candidate:4233069003 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0 network-id 1\r\n" +
        "a=candidate:3453474911 1 udp 41885439 198.51.100.9 61000 typ relay raddr 203.0.113.7 rport 54321 generation 0\r\n" +
        "a=ice-ufrag:EsAw\r\n" +
        "a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39\r\n" +
        "a=setup:actpass\r\n" +
        "a=mid:0\r\n" +
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:- 750f7f5a-7e2c-4e8c-9c0e-4b5a0c4a2d11\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=rtcp-fb:111 transport-cc\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:63 red/48000/2\r\n" +
        "a=fmtp:63 111/111\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:13 CN/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=ssrc:1001 cname:Kq9y0xJ3\r\n";

    /// <summary>A PBX offer: plain RTP, PCMU/PCMA with static payload types and no rtpmap for them, LF line endings.</summary>
    public const string PbxPcmuOffer =
        "v=0\n" +
        "o=root 1821341398 1821341398 IN IP4 192.0.2.10\n" +
        "s=Asterisk PBX 18.10.0\n" +
        "c=IN IP4 192.0.2.10\n" +
        "t=0 0\n" +
        "m=audio 17254 RTP/AVP 0 8 101\n" +
        "a=rtpmap:101 telephone-event/8000\n" +
        "a=fmtp:101 0-16\n" +
        "a=ptime:20\n" +
        "a=maxptime:150\n" +
        "a=sendrecv\n";

    // Captured from baresip 1.0.0 (Debian 12) on 2026-11-25: its INVITE bodies when dialing a UDP socket, with
    // mediaenc=srtp-mand, mediaenc=srtp, mediaenc=dtls_srtp and no mediaenc.

    /// <summary>baresip <c>mediaenc=srtp-mand</c>: RTP/SAVP, Opus on payload type 96, one AES_CM_128_HMAC_SHA1_80 line.</summary>
    public const string BaresipSrtpMandatory =
        "v=0\r\n" +
        "o=- 1424974429 1834250002 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 16956 RTP/SAVP 96 0 8 101\r\n" +
        "a=rtpmap:96 opus/48000/2\r\n" +
        "a=fmtp:96 stereo=1;sprop-stereo=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=ssrc:63092949 cname:sip:alice@127.0.0.1\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:ZVHf3Tx/mpe8l6xcGvjPIhlvTvctresm7yRtd6+J\r\n" +
        "a=minptime:20\r\n" +
        "a=ptime:20\r\n";

    /// <summary>baresip <c>mediaenc=srtp</c>: best-effort SDES on RTP/AVP.</summary>
    public const string BaresipSrtpBestEffort =
        "v=0\r\n" +
        "o=- 4035691991 1782904854 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 44024 RTP/AVP 96 0 101\r\n" +
        "a=rtpmap:96 opus/48000/2\r\n" +
        "a=fmtp:96 stereo=1;sprop-stereo=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=ssrc:1606157354 cname:sip:alice@127.0.0.1\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:UDJhFnMKj5WRZ+IJ3iaL/rEsylHZaSFqCKDL1z+H\r\n" +
        "a=minptime:20\r\n" +
        "a=ptime:20\r\n";

    /// <summary>baresip <c>mediaenc=dtls_srtp</c>: session-level setup and upper-case <c>SHA-256</c> fingerprint, UDP/TLS/RTP/SAVPF.</summary>
    public const string BaresipDtls =
        "v=0\r\n" +
        "o=- 3521048685 371384285 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "a=setup:actpass\r\n" +
        "a=fingerprint:SHA-256 FF:28:D1:CF:97:E4:AA:61:18:7D:04:29:E2:AD:58:74:30:E4:BF:85:BF:34:F9:33:64:9C:3A:17:1C:61:F7:E8\r\n" +
        "m=audio 44414 UDP/TLS/RTP/SAVPF 96 0 101\r\n" +
        "a=rtpmap:96 opus/48000/2\r\n" +
        "a=fmtp:96 stereo=1;sprop-stereo=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=ssrc:2736526601 cname:sip:alice@127.0.0.1\r\n" +
        "a=minptime:20\r\n" +
        "a=ptime:20\r\n";

    /// <summary>baresip without media encryption, G.711 only.</summary>
    public const string BaresipPlain =
        "v=0\r\n" +
        "o=- 1691987146 529920370 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 12692 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=ssrc:1162064861 cname:sip:alice@127.0.0.1\r\n" +
        "a=minptime:20\r\n" +
        "a=ptime:20\r\n";
}
