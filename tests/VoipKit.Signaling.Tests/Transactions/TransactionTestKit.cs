using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.Tests.Transactions;

/// <summary>A fake transport that records what was sent and when (virtual time).</summary>
internal sealed class FakeSender(FakeTimeProvider time, bool reliable) : ISipMessageSender
{
    private readonly DateTimeOffset _start = time.GetUtcNow();

    public bool IsReliable { get; } = reliable;

    public List<(SipMessage Message, EndPoint To, TimeSpan At)> Sent { get; } = [];

    public Exception? FailWith { get; set; }

    public ValueTask SendAsync(SipMessage message, EndPoint destination, CancellationToken cancellationToken)
    {
        if (FailWith is { } ex)
        {
            return ValueTask.FromException(ex);
        }

        lock (Sent)
        {
            Sent.Add((message, destination, time.GetUtcNow() - _start));
        }

        return ValueTask.CompletedTask;
    }

    public List<TimeSpan> TimesOf(Func<SipMessage, bool> filter) => Sent.Where(s => filter(s.Message)).Select(s => s.At).ToList();

    public int CountOf(Func<SipMessage, bool> filter) => Sent.Count(s => filter(s.Message));
}

/// <summary>A layer on a fake clock and fake transport, plus message builders.</summary>
internal sealed class TransactionTestKit : IDisposable
{
    public static readonly EndPoint Remote = new IPEndPoint(IPAddress.Parse("192.0.2.2"), 5060);

    public TransactionTestKit(bool reliable = false, SipTransactionOptions? options = null)
    {
        Sender = new FakeSender(Time, reliable);
        Layer = new SipTransactionLayer(Sender, Time, options);
        Layer.TransactionFailed = (t, r) => Failures.Add(r);
        Layer.UnmatchedMessage = (m, e) => Unmatched.Add(m);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeSender Sender { get; }

    public SipTransactionLayer Layer { get; }

    public List<SipTransactionResult> Failures { get; } = [];

    public List<SipMessage> Unmatched { get; } = [];

    public static bool IsRequest(SipMessage m, string method) => m is SipRequest r && r.Method == method;

    public static bool IsStatus(SipMessage m, int code) => m is SipResponse r && r.StatusCode == code;

    public static SipRequest Request(string method, string branch = "z9hG4bKclient1", uint cseq = 1, string sentBy = "192.0.2.1:5060", string transport = "UDP")
    {
        string text =
            $"{method} sip:bob@example.com SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} {sentBy};branch={branch}\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:alice@example.com>;tag=a1\r\n" +
            "To: <sip:bob@example.com>\r\n" +
            "Call-ID: call-1@example.com\r\n" +
            $"CSeq: {cseq} {method}\r\n" +
            "Content-Length: 0\r\n\r\n";
        return (SipRequest)SipMessage.Parse(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>A response to a request as the peer would send it (through the parser, as it would arrive).</summary>
    public static SipResponse ResponseTo(SipRequest request, int code, string toTag = "b2") =>
        (SipResponse)SipMessage.Parse(SipTransactionMessages.CreateResponse(request, code, code == 100 ? null : toTag).ToArray());

    /// <summary>The ACK a peer sends for a non-2xx final (same branch as the INVITE).</summary>
    public static SipRequest AckFor(SipRequest invite, SipResponse response) =>
        (SipRequest)SipMessage.Parse(SipTransactionMessages.BuildAck(invite, response).ToArray());

    /// <summary>Advances virtual time in small steps (FakeTimeProvider fires timers at the end of each Advance).</summary>
    public void Advance(TimeSpan total, int stepMs = 50)
    {
        var step = TimeSpan.FromMilliseconds(stepMs);
        for (TimeSpan done = TimeSpan.Zero; done < total; done += step)
        {
            Time.Advance(step);
        }
    }

    public void Advance(double seconds, int stepMs = 50) => Advance(TimeSpan.FromSeconds(seconds), stepMs);

    public void Dispose() => Layer.Dispose();
}
