using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using VoipKit.Signaling.Messages;

namespace VoipKit.Benchmarks.Sip;

/// <summary>
/// Parse and serialize a typical ~1 KB INVITE with an Opus SDP body (the size SIPSorcery's published figures use:
/// 1023 bytes). Parse includes checking every typed field the stack reads (Via, From, To, Call-ID, CSeq, Contact...).
/// </summary>
[MemoryDiagnoser]
public class SipMessageBenchmarks
{
    private const string Sdp =
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 49170 RTP/SAVP 111 0 101\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-16\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n";

    private static readonly string s_invite =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600\r\n" +
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE, INFO, NOTIFY\r\n" +
        "Supported: timer, replaces, 100rel\r\n" +
        "Session-Expires: 1800;refresher=uac\r\n" +
        "User-Agent: VoipKit/0.1\r\n" +
        "Accept: application/sdp, multipart/mixed\r\n" +
        "Subject: x\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Sdp.Length}\r\n" +
        "\r\n" +
        Sdp;

    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private byte[] _bytes = null!;
    private SipMessage _message = null!;

    /// <summary>Size of the benchmark message in bytes.</summary>
    public int MessageSize => _bytes.Length;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = Encoding.ASCII.GetBytes(s_invite);
        _message = SipMessage.Parse(_bytes);
        Console.WriteLine($"// INVITE size: {_bytes.Length} bytes");
    }

    [Benchmark]
    public SipMessage Parse() => SipMessage.Parse(_bytes);

    /// <summary>Parse, then read the fields a transaction layer needs (cached by the parse, so no further work).</summary>
    [Benchmark]
    public uint ParseAndReadTyped()
    {
        SipMessage m = SipMessage.Parse(_bytes);
        return m.CSeq!.Value.Number + (uint)m.Via[0].Branch!.Length + (uint)m.From!.Tag!.Length + (uint)m.CallId!.Length;
    }

    [Benchmark]
    public int Serialize()
    {
        _output.ResetWrittenCount();
        _message.WriteTo(_output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public byte[] SerializeToArray() => _message.ToArray();
}
