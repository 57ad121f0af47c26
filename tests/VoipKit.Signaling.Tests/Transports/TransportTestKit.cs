using System.Net;
using System.Text;
using System.Threading.Channels;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.Tests.Transports;

/// <summary>Collects what a transport delivers, and builds test messages.</summary>
internal sealed class Inbox
{
    private readonly Channel<SipReceivedMessage> _channel = Channel.CreateUnbounded<SipReceivedMessage>();

    public SipMessageHandler Handler => (m, _) => _channel.Writer.TryWrite(m) ? ValueTask.CompletedTask : ValueTask.CompletedTask;

    public async Task<SipReceivedMessage> NextAsync(CancellationToken cancellationToken) =>
        await _channel.Reader.ReadAsync(cancellationToken);

    public bool TryNext(out SipReceivedMessage? message) => _channel.Reader.TryRead(out message);

    /// <summary>Polls a condition that becomes true shortly after something the test can observe (a close).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Makes a time-bounded token for one test.</summary>
    public static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(10));
}

internal static class TestMessages
{
    public static SipRequest Options(string callId, string transport = "UDP", string sentBy = "client.invalid:5060", string body = "") =>
        (SipRequest)SipMessage.Parse(Encoding.UTF8.GetBytes(OptionsText(callId, transport, sentBy, body)));

    public static string OptionsText(string callId, string transport = "UDP", string sentBy = "client.invalid:5060", string body = "") =>
        "OPTIONS sip:bob@example.invalid SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} {sentBy};branch=z9hG4bK-{callId};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:bob@example.invalid>\r\n" +
        "From: <sip:alice@example.invalid>;tag=abc\r\n" +
        $"Call-ID: {callId}\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" +
        "\r\n" + body;

    public static SipResponse OkFor(SipMessage request)
    {
        var headers = new List<SipHeader>();
        foreach (SipHeader h in request.Headers)
        {
            if (h.Is(SipHeaderNames.Via) || h.Is(SipHeaderNames.From) || h.Is(SipHeaderNames.To) || h.Is(SipHeaderNames.CallId) || h.Is(SipHeaderNames.CSeq))
            {
                headers.Add(h);
            }
        }

        return new SipResponse(200, null, headers);
    }

    public static IPEndPoint Loopback(bool v6) => new(v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0);
}
