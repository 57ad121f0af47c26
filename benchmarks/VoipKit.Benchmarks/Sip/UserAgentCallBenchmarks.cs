using System.Net;
using BenchmarkDotNet.Attributes;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Benchmarks.Sip;

/// <summary>
/// A whole call's signalling between two user agents over loopback UDP, in real time: INVITE (with an SDP offer),
/// 180, 200 (answer), ACK, then BYE and its 200. Measures the stack's latency and allocations per call, sockets and
/// the kernel included.
/// </summary>
[MemoryDiagnoser]
public class UserAgentCallBenchmarks
{
    private static readonly SipBody Offer = SipBody.Sdp("v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n");
    private static readonly SipBody Answer = SipBody.Sdp("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n");
    private SipUserAgent _alice = null!;
    private SipUserAgent _bob = null!;
    private SipUri _bobUri = null!;

    [GlobalSetup]
    public void Setup()
    {
        _alice = new SipUserAgent(Options("alice"));
        _bob = new SipUserAgent(Options("bob"));
        _bob.IncomingCall = async (call, ct) =>
        {
            call.Ring();
            await call.AcceptAsync(Answer, ct).ConfigureAwait(false);
        };
        _alice.StartAsync().GetAwaiter().GetResult();
        _bob.StartAsync().GetAwaiter().GetResult();
        _bobUri = SipUri.Parse("sip:bob@127.0.0.1:" + _bob.LocalEndPoint.Port);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _alice.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _bob.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> InviteAnswerAckBye()
    {
        SipCallResult result = await _alice.InviteAsync(_bobUri, Offer).ConfigureAwait(false);
        SipDialog dialog = result.Dialog ?? throw new InvalidOperationException("the call failed: " + result.StatusCode);
        SipResponse? bye = await dialog.ByeAsync().ConfigureAwait(false);
        return bye!.StatusCode;
    }

    private static SipUserAgentOptions Options(string user) => new()
    {
        Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        // Each call leaves its transactions in the table for 32 s (RFC 6026 timers); a benchmark makes many calls.
        Transactions = new VoipKit.Signaling.Transactions.SipTransactionOptions { MaxTransactions = 1_000_000 },
    };
}
