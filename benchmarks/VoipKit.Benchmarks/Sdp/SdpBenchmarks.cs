using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Benchmarks.Sdp;

/// <summary>Parse and serialize a typical audio offer (Opus, G.711, DTMF, ICE with 4 candidates, DTLS fingerprint, rtcp-mux), and answer it.</summary>
[MemoryDiagnoser]
public class SdpBenchmarks
{
    private const string Offer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "m=audio 54321 UDP/TLS/RTP/SAVPF 111 0 8 110 126\r\n" +
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
        "a=sendrecv\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=fmtp:110 0-15\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=fmtp:126 0-15\r\n" +
        "a=ptime:20\r\n";

    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(Offer);
    private readonly ArrayBufferWriter<byte> _writer = new(4096);
    private readonly SdpLocalOptions _local = new()
    {
        Address = "192.0.2.50",
        AudioPort = 40000,
        SessionId = 1,
        SessionVersion = 1,
        DtlsFingerprint = new Fingerprint { HashFunction = "sha-256", Value = new byte[32] },
        IceUfrag = "VkAb",
        IcePwd = "0123456789abcdefghijklmn",
    };

    private SessionDescription _parsed = null!;

    /// <summary>The offer's size, for the docs.</summary>
    public int Bytes => _bytes.Length;

    [GlobalSetup]
    public void Setup() => _parsed = SessionDescription.Parse(_bytes);

    [Benchmark]
    public SessionDescription Parse() => SessionDescription.Parse(_bytes);

    [Benchmark]
    public int Serialize()
    {
        _writer.ResetWrittenCount();
        _parsed.WriteTo(_writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int ParseAndSerialize()
    {
        _writer.ResetWrittenCount();
        SessionDescription.Parse(_bytes).WriteTo(_writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public SdpNegotiationResult Answer() => SdpNegotiator.Answer(_parsed, _local);
}
