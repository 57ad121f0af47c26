using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using static VoipKit.Signaling.Tests.Transactions.TransactionTestKit;

namespace VoipKit.Signaling.Tests.Transactions;

public class ServerTransactionTests
{
    private static List<double> Seconds(List<TimeSpan> times) => times.Select(t => Math.Round(t.TotalSeconds, 3)).ToList();

    private static (TransactionTestKit Kit, List<SipServerTransaction> Received) Server(bool reliable = false)
    {
        var kit = new TransactionTestKit(reliable);
        var received = new List<SipServerTransaction>();
        kit.Layer.RequestReceived = received.Add;
        return (kit, received);
    }

    [Fact]
    public void Invite_gets_100_Trying_after_200_ms_when_the_TU_is_silent()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            Assert.Single(received);
            kit.Advance(0.15, 10);
            Assert.Empty(kit.Sender.Sent);
            kit.Advance(0.06, 10);
            var trying = (SipResponse)Assert.Single(kit.Sender.Sent).Message;
            Assert.Equal(100, trying.StatusCode);
            Assert.Null(trying.To!.Tag);
            Assert.Equal(Remote, kit.Sender.Sent[0].To);
        }
    }

    [Fact]
    public void Invite_gets_no_100_Trying_when_the_TU_answers_in_time()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            received[0].Respond(180, "t1");
            kit.Advance(1, 10);
            Assert.Equal(180, ((SipResponse)Assert.Single(kit.Sender.Sent).Message).StatusCode);
        }
    }

    [Fact]
    public async Task Invite_non_2xx_final_is_retransmitted_on_timer_G_until_the_ACK()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            SipRequest invite = Request(SipMethods.Invite);
            kit.Layer.OnMessageReceived(invite, Remote);
            SipServerTransaction tx = received[0];
            SipResponse busy = tx.Respond(486, "t1");

            kit.Advance(2);
            Assert.Equal([0, 0.5, 1.5], Seconds(kit.Sender.TimesOf(m => IsStatus(m, 486))));

            kit.Layer.OnMessageReceived(AckFor(invite, busy), Remote);
            Assert.Equal(SipTransactionState.Confirmed, tx.State);
            kit.Layer.OnMessageReceived(AckFor(invite, busy), Remote); // a copy is absorbed
            Assert.Empty(kit.Unmatched);
            kit.Advance(4.9);
            Assert.Equal(3, kit.Sender.CountOf(m => IsStatus(m, 486)));
            Assert.Equal(1, kit.Layer.Count);
            kit.Advance(0.2); // timer I = T4
            Assert.Equal(0, kit.Layer.Count);
            Assert.Equal(486, (await tx.Completion).Response!.StatusCode);
        }
    }

    [Fact]
    public async Task Invite_without_ACK_retransmits_capped_at_T2_and_times_out_on_timer_H()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            SipServerTransaction tx = received[0];
            tx.Respond(603, "t1");

            kit.Advance(32.1);

            Assert.Equal(
                [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5],
                Seconds(kit.Sender.TimesOf(m => IsStatus(m, 603))));
            Assert.Equal(SipTransactionOutcome.TimedOut, (await tx.Completion).Outcome);
            Assert.Equal(SipTransactionOutcome.TimedOut, Assert.Single(kit.Failures).Outcome);
            Assert.Equal(0, kit.Layer.Count);
        }
    }

    [Fact]
    public void Invite_over_reliable_transport_sends_the_final_once_and_ends_on_ACK()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server(reliable: true);
        using (kit)
        {
            SipRequest invite = Request(SipMethods.Invite, transport: "TCP");
            kit.Layer.OnMessageReceived(invite, Remote);
            SipResponse busy = received[0].Respond(486, "t1");
            kit.Advance(10, 100);
            Assert.Equal(1, kit.Sender.CountOf(m => IsStatus(m, 486)));
            kit.Layer.OnMessageReceived(AckFor(invite, busy), Remote);
            Assert.Equal(0, kit.Layer.Count);
        }
    }

    [Fact]
    public void Retransmitted_invite_gets_the_last_response_and_is_not_passed_to_the_TU()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            SipRequest invite = Request(SipMethods.Invite);
            kit.Layer.OnMessageReceived(invite, Remote);
            received[0].Respond(180, "t1");
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 180)));

            SipResponse busy = received[0].Respond(486, "t1");
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote); // our 486 was lost
            Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 486)));
            Assert.Single(received);
            _ = busy;
        }
    }

    [Fact]
    public async Task Invite_2xx_goes_to_accepted_absorbs_retransmissions_and_ends_on_timer_L()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            SipRequest invite = Request(SipMethods.Invite);
            kit.Layer.OnMessageReceived(invite, Remote);
            SipServerTransaction tx = received[0];
            tx.Respond(200, "t1");
            Assert.Equal(SipTransactionState.Accepted, tx.State);

            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote); // absorbed (RFC 6026)
            tx.Respond(200, "t1"); // the TU retransmits its 2xx itself
            kit.Advance(5);
            Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 200)));
            Assert.Single(received);

            // The ACK for a 2xx has its own branch: it goes to the TU core.
            kit.Layer.OnMessageReceived(Request(SipMethods.Ack, branch: "z9hG4bKack2xx"), Remote);
            Assert.IsType<SipRequest>(Assert.Single(kit.Unmatched));

            kit.Advance(27.1, 100);
            Assert.Equal(0, kit.Layer.Count);
            Assert.Equal(200, (await tx.Completion).Response!.StatusCode);
            Assert.Throws<InvalidOperationException>(() => tx.Respond(486));
        }
    }

    [Fact]
    public void Non_invite_retransmissions_are_absorbed_then_get_the_final_until_timer_J()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Options), Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Options), Remote); // Trying: absorbed
            Assert.Single(received);
            Assert.Empty(kit.Sender.Sent);

            received[0].Respond(200, "t1");
            Assert.Equal(SipTransactionState.Completed, received[0].State);
            kit.Layer.OnMessageReceived(Request(SipMethods.Options), Remote);
            Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 200)));
            Assert.Throws<InvalidOperationException>(() => received[0].Respond(500));

            kit.Advance(31.9, 100);
            Assert.Equal(1, kit.Layer.Count);
            kit.Advance(0.2);
            Assert.Equal(0, kit.Layer.Count);
            Assert.Equal(2, kit.Sender.Sent.Count); // the server never retransmits a non-INVITE response by itself
        }
    }

    [Fact]
    public void Non_invite_over_reliable_transport_ends_with_the_final()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server(reliable: true);
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Register), Remote);
            received[0].Respond(200, "t1");
            Assert.Equal(0, kit.Layer.Count);
        }
    }

    [Fact]
    public void Requests_match_on_branch_sent_by_and_method()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Options), Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Options, sentBy: "192.0.2.9:5060"), Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Message), Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Options, branch: "z9hG4bKother"), Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Options, sentBy: "192.0.2.1"), Remote); // default port: same
            Assert.Equal(4, received.Count);
        }
    }

    [Fact]
    public void Requests_without_magic_cookie_fall_back_to_RFC_2543_matching()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            SipRequest invite = Request(SipMethods.Invite, branch: "old1");
            kit.Layer.OnMessageReceived(invite, Remote);
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite, branch: "old1"), Remote);
            Assert.Single(received);
            SipResponse busy = received[0].Respond(486, "t1");
            kit.Layer.OnMessageReceived(AckFor(invite, busy), Remote);
            Assert.Equal(SipTransactionState.Confirmed, received[0].State);
        }
    }

    [Fact]
    public async Task Server_transport_error_is_reported()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Options), Remote);
            kit.Sender.FailWith = new IOException("gone");
            received[0].Respond(200, "t1");
            Assert.Equal(SipTransactionOutcome.TransportError, (await received[0].Completion).Outcome);
            Assert.Equal(0, kit.Layer.Count);
        }
    }

    [Fact]
    public void A_retransmitted_invite_after_the_automatic_100_gets_the_100_again()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            kit.Advance(0.5, 10);
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 100)));
            Assert.Single(received);
        }
    }

    [Fact]
    public void An_ACK_from_another_sent_by_does_not_match_the_INVITE()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            received[0].Respond(486, "t1");
            kit.Layer.OnMessageReceived(Request(SipMethods.Ack, sentBy: "192.0.2.77:5060"), Remote);
            Assert.Single(kit.Unmatched);
            Assert.Equal(SipTransactionState.Completed, received[0].State);
            kit.Layer.OnMessageReceived(Request(SipMethods.Ack), Remote);
            Assert.Equal(SipTransactionState.Confirmed, received[0].State);
        }
    }

    [Fact]
    public async Task Invite_transport_error_on_the_final_is_reported_to_the_TU()
    {
        (TransactionTestKit kit, List<SipServerTransaction> received) = Server();
        using (kit)
        {
            kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
            kit.Sender.FailWith = new System.Net.Sockets.SocketException(10065);
            received[0].Respond(486, "t1");
            Assert.Equal(SipTransactionOutcome.TransportError, (await received[0].Completion).Outcome);
            Assert.Equal(SipTransactionOutcome.TransportError, Assert.Single(kit.Failures).Outcome);
            Assert.Equal(0, kit.Layer.Count);
        }
    }
}
