using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using static VoipKit.Signaling.Tests.Transactions.TransactionTestKit;

namespace VoipKit.Signaling.Tests.Transactions;

public class TransactionTableTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_table_drains_after_a_mix_of_transactions_ends(bool reliable)
    {
        using var kit = new TransactionTestKit(reliable);
        var received = new List<SipServerTransaction>();
        kit.Layer.RequestReceived = received.Add;
        var clients = new List<SipClientTransaction>();
        for (int i = 0; i < 20; i++)
        {
            string method = (i % 4) switch { 0 => SipMethods.Invite, 1 => SipMethods.Options, 2 => SipMethods.Register, _ => SipMethods.Message };
            SipRequest request = Request(method, branch: "z9hG4bKc" + i, cseq: (uint)(i + 1));
            clients.Add(kit.Layer.SendRequest(request, Remote));
            if (i % 3 == 0)
            {
                kit.Layer.OnMessageReceived(ResponseTo(request, 100 + (i % 2 == 0 ? 380 : 100)), Remote);
            }
            else if (i % 3 == 1)
            {
                kit.Layer.OnMessageReceived(ResponseTo(request, 180), Remote);
            }

            SipRequest incoming = Request(method, branch: "z9hG4bKs" + i, cseq: (uint)(i + 1));
            kit.Layer.OnMessageReceived(incoming, Remote);
        }

        for (int i = 0; i < received.Count; i++)
        {
            if (i % 2 == 0)
            {
                received[i].Respond(i % 4 == 0 ? 486 : 200, "t" + i);
            }
        }

        Assert.True(kit.Layer.Count > 20);
        kit.Advance(40, 100);
        // Pending server transactions wait for the TU; answer them now and let the timers run out.
        foreach (SipServerTransaction tx in received.Where(t => !t.HasFinalResponse))
        {
            tx.Respond(500, "late");
        }

        // Client INVITEs left ringing cancel themselves after InviteProceedingTimeout, then end 64*T1 later.
        kit.Advance(200, 200);
        Assert.Equal(2, kit.Sender.Sent.Where(s => IsRequest(s.Message, SipMethods.Cancel)).Select(s => s.Message.Via[0].Branch).Distinct().Count());
        kit.Advance(40, 200);
        Assert.Equal(0, kit.Layer.Count);
        foreach (SipClientTransaction c in clients)
        {
            Assert.True(c.Completion.IsCompleted);
        }

        await Task.WhenAll(clients.Select(c => c.Completion));
    }

    [Fact]
    public async Task Dispose_ends_every_transaction()
    {
        var kit = new TransactionTestKit();
        SipClientTransaction tx = kit.Layer.SendRequest(Request(SipMethods.Invite), Remote);
        kit.Layer.OnMessageReceived(Request(SipMethods.Options, branch: "z9hG4bKs"), Remote);
        kit.Dispose();
        Assert.Equal(0, kit.Layer.Count);
        Assert.Equal(SipTransactionOutcome.NotSent, (await tx.Completion).Outcome);
        Assert.Throws<ObjectDisposedException>(() => kit.Layer.SendRequest(Request(SipMethods.Options), Remote));
        kit.Advance(40, 500);
        Assert.Single(kit.Sender.Sent);
    }

    [Fact]
    public async Task Concurrent_traffic_from_many_threads_drains_the_table()
    {
        using var kit = new TransactionTestKit();
        var clients = new System.Collections.Concurrent.ConcurrentBag<SipClientTransaction>();
        kit.Layer.RequestReceived = tx => tx.Respond(tx.Request.Method == SipMethods.Invite ? 486 : 200, "t");
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            string method = i % 2 == 0 ? SipMethods.Invite : SipMethods.Options;
            SipRequest request = Request(method, branch: "z9hG4bKc" + i);
            clients.Add(kit.Layer.SendRequest(request, Remote));
            kit.Layer.OnMessageReceived(ResponseTo(request, i % 2 == 0 ? 486 : 200), Remote);
            SipRequest incoming = Request(method, branch: "z9hG4bKs" + i);
            kit.Layer.OnMessageReceived(incoming, Remote);
            kit.Layer.OnMessageReceived(Request(method, branch: "z9hG4bKs" + i), Remote); // retransmission
            if (method == SipMethods.Invite)
            {
                kit.Layer.OnMessageReceived(Request(SipMethods.Ack, branch: "z9hG4bKs" + i), Remote);
            }
        });

        kit.Advance(40, 500);
        Assert.Equal(0, kit.Layer.Count);
        Assert.Equal(400, clients.Count);
        await Task.WhenAll(clients.Select(c => c.Completion));
        Assert.All(clients, c => Assert.Equal(SipTransactionOutcome.Response, c.Completion.Result.Outcome));
    }
}
