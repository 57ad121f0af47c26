using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Benchmarks.SipTransports;

/// <summary>
/// What the UDP transport adds per received datagram over parsing alone: the same ~500-byte OPTIONS through
/// <c>SipMessage.TryParse</c>, and through the transport's datagram path (parse, received/rport stamping, handler call)
/// with a handler that does nothing. No socket is involved.
/// </summary>
[MemoryDiagnoser]
public class SipUdpReceiveBenchmarks
{
    private static readonly byte[] s_options = Encoding.UTF8.GetBytes(
        "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 63104 OPTIONS\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060>\r\n" +
        "Accept: application/sdp\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n");

    private static readonly IPEndPoint s_remote = new(IPAddress.Parse("192.0.2.10"), 40000);

    private SipUdpTransport _stamping = null!;
    private SipUdpTransport _plain = null!;

    [GlobalSetup]
    public void Setup()
    {
        static ValueTask Ignore(SipReceivedMessage m, CancellationToken ct) => ValueTask.CompletedTask;
        _stamping = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0), Ignore);
        _plain = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0), Ignore, new SipTransportOptions { FillReceivedAndRPort = false });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stamping.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _plain.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public SipMessage? ParseOnly() => SipMessage.TryParse(s_options.AsSpan(), out SipMessage? m, out _) ? m : null;

    [Benchmark]
    public ValueTask TransportPathWithoutStamping() => _plain.HandleDatagramAsync(s_options, s_remote, CancellationToken.None);

    [Benchmark]
    public ValueTask TransportPathWithReceivedAndRPort() => _stamping.HandleDatagramAsync(s_options, s_remote, CancellationToken.None);
}
