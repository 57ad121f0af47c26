using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using static VoipKit.Signaling.Tests.Transactions.TransactionTestKit;

namespace VoipKit.Signaling.Tests.Transactions;

public class ClientTransactionTests
{
    private static List<double> Seconds(List<TimeSpan> times) => times.Select(t => Math.Round(t.TotalSeconds, 3)).ToList();

    [Fact]
    public async Task Invite_over_udp_retransmits_on_timer_A_doubling_until_timer_B_times_out()
    {
        using var kit = new TransactionTestKit();
        SipClientTransaction tx = kit.Layer.SendRequest(Request(SipMethods.Invite), Remote);

        kit.Advance(31.9);
        Assert.False(tx.Completion.IsCompleted);
        kit.Advance(0.2);

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], Seconds(kit.Sender.TimesOf(m => IsRequest(m, SipMethods.Invite))));
        Assert.True(tx.Completion.IsCompleted);
        SipTransactionResult result = await tx.Completion;
        Assert.Equal(SipTransactionOutcome.TimedOut, result.Outcome);
        Assert.Equal(SipTransactionOutcome.TimedOut, Assert.Single(kit.Failures).Outcome);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public async Task Invite_over_reliable_transport_is_not_retransmitted()
    {
        using var kit = new TransactionTestKit(reliable: true);
        SipClientTransaction tx = kit.Layer.SendRequest(Request(SipMethods.Invite), Remote);

        kit.Advance(32.1, 100);

        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Invite)));
        Assert.Equal(SipTransactionOutcome.TimedOut, (await tx.Completion).Outcome);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public async Task Non_invite_over_udp_timer_E_doubles_up_to_T2_until_timer_F()
    {
        using var kit = new TransactionTestKit();
        SipClientTransaction tx = kit.Layer.SendRequest(Request(SipMethods.Options), Remote);

        kit.Advance(32.1);

        Assert.Equal(
            [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5],
            Seconds(kit.Sender.TimesOf(m => IsRequest(m, SipMethods.Options))));
        Assert.Equal(SipTransactionOutcome.TimedOut, (await tx.Completion).Outcome);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public void Non_invite_in_proceeding_retransmits_every_T2()
    {
        using var kit = new TransactionTestKit();
        SipRequest options = Request(SipMethods.Options);
        var provisionals = new List<SipResponse>();
        SipClientTransaction tx = kit.Layer.SendRequest(options, Remote, provisionals.Add);

        kit.Advance(0.2);
        kit.Layer.OnMessageReceived(ResponseTo(options, 100), Remote);
        kit.Advance(12.4);

        Assert.Single(provisionals);
        Assert.Equal(SipTransactionState.Proceeding, tx.State);
        Assert.Equal([0, 0.5, 4.5, 8.5, 12.5], Seconds(kit.Sender.TimesOf(m => IsRequest(m, SipMethods.Options))).Take(5).ToList());
    }

    [Fact]
    public async Task Non_invite_final_response_completes_and_timer_K_absorbs_retransmissions()
    {
        using var kit = new TransactionTestKit();
        SipRequest options = Request(SipMethods.Options);
        SipClientTransaction tx = kit.Layer.SendRequest(options, Remote);

        kit.Layer.OnMessageReceived(ResponseTo(options, 200), Remote);
        SipTransactionResult result = await tx.Completion;
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.Equal(SipTransactionState.Completed, tx.State);

        kit.Layer.OnMessageReceived(ResponseTo(options, 200), Remote);
        Assert.Empty(kit.Unmatched);
        kit.Advance(5.1);
        Assert.Equal(0, kit.Layer.Count);
        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Options)));
    }

    [Fact]
    public async Task Non_invite_over_reliable_transport_terminates_on_final_response()
    {
        using var kit = new TransactionTestKit(reliable: true);
        SipRequest register = Request(SipMethods.Register);
        SipClientTransaction tx = kit.Layer.SendRequest(register, Remote);
        kit.Layer.OnMessageReceived(ResponseTo(register, 200), Remote);

        Assert.Equal(200, (await tx.Completion).Response!.StatusCode);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public async Task Invite_non_2xx_final_is_acked_by_the_transaction_and_a_retransmitted_final_is_acked_again()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var provisionals = new List<SipResponse>();
        SipClientTransaction tx = kit.Layer.SendRequest(invite, Remote, provisionals.Add);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 180), Remote);
        kit.Advance(5);
        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Invite))); // no retransmission in Proceeding
        Assert.Equal(SipTransactionState.Proceeding, tx.State);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 486), Remote);
        SipTransactionResult result = await tx.Completion;
        Assert.Equal(486, result.Response!.StatusCode);
        Assert.Single(provisionals);

        var ack = (SipRequest)Assert.Single(kit.Sender.Sent, s => IsRequest(s.Message, SipMethods.Ack)).Message;
        Assert.Equal("1 ACK", ack.GetHeader(SipHeaderNames.CSeq));
        Assert.Equal("z9hG4bKclient1", Assert.Single(ack.Via).Branch);
        Assert.Equal("b2", ack.To!.Tag);
        Assert.Equal(invite.RequestUri, ack.RequestUri);

        // The ACK was lost: the server retransmits its final, we ACK again; the TU sees nothing more.
        kit.Layer.OnMessageReceived(ResponseTo(invite, 486), Remote);
        Assert.Equal(2, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Ack)));
        Assert.Equal(SipTransactionState.Completed, tx.State);

        kit.Advance(32.1, 100); // timer D
        Assert.Equal(0, kit.Layer.Count);
        Assert.Empty(kit.Failures);
    }

    [Fact]
    public async Task Invite_2xx_goes_to_accepted_later_2xx_reach_the_TU_and_timer_M_ends_it()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var others = new List<SipResponse>();
        SipClientTransaction tx = kit.Layer.SendRequest(invite, Remote, others.Add);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 200), Remote);
        Assert.Equal(200, (await tx.Completion).Response!.StatusCode);
        Assert.Equal(SipTransactionState.Accepted, tx.State);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 200, "fork2"), Remote);
        Assert.Equal("fork2", Assert.Single(others).To!.Tag);
        Assert.Equal(0, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Ack))); // the TU acknowledges a 2xx

        kit.Advance(2);
        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Invite)));
        kit.Advance(30.1, 100); // timer M = 64*T1
        Assert.Equal(0, kit.Layer.Count);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 200), Remote);
        Assert.Single(kit.Unmatched); // a late 2xx goes to the TU core
    }

    [Fact]
    public void Responses_match_on_branch_and_CSeq_method()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        SipClientTransaction tx = kit.Layer.SendRequest(invite, Remote);

        kit.Layer.OnMessageReceived(ResponseTo(Request(SipMethods.Cancel), 200), Remote); // same branch, CANCEL
        kit.Layer.OnMessageReceived(ResponseTo(Request(SipMethods.Invite, branch: "z9hG4bKother"), 180), Remote);

        Assert.Equal(2, kit.Unmatched.Count);
        Assert.Equal(SipTransactionState.Calling, tx.State);
    }

    [Fact]
    public async Task Transport_error_is_reported_and_the_transaction_removed()
    {
        using var kit = new TransactionTestKit();
        kit.Sender.FailWith = new System.Net.Sockets.SocketException(10051);
        SipClientTransaction tx = kit.Layer.SendRequest(Request(SipMethods.Invite), Remote);

        SipTransactionResult result = await tx.Completion;
        Assert.Equal(SipTransactionOutcome.TransportError, result.Outcome);
        Assert.IsType<System.Net.Sockets.SocketException>(result.Error);
        Assert.Equal(0, kit.Layer.Count);
        Assert.Single(kit.Failures);
    }

    [Fact]
    public void Requests_without_a_proper_branch_or_ACK_are_refused()
    {
        using var kit = new TransactionTestKit();
        Assert.Throws<ArgumentException>(() => kit.Layer.SendRequest(Request(SipMethods.Invite, branch: "1234"), Remote));
        Assert.Throws<ArgumentException>(() => kit.Layer.SendRequest(Request(SipMethods.Ack), Remote));
        kit.Layer.SendRequest(Request(SipMethods.Invite), Remote);
        Assert.Throws<ArgumentException>(() => kit.Layer.SendRequest(Request(SipMethods.Invite), Remote));
    }

    [Fact]
    public void The_table_is_bounded()
    {
        using var kit = new TransactionTestKit(options: new SipTransactionOptions { MaxTransactions = 2 });
        kit.Layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bK1"), Remote);
        kit.Layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bK2"), Remote);
        Assert.Throws<SipTransactionLimitException>(() => kit.Layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bK3"), Remote));

        kit.Layer.OnMessageReceived(Request(SipMethods.Options, branch: "z9hG4bKin"), Remote);
        Assert.Equal(1, kit.Sender.CountOf(m => IsStatus(m, 503)));
        Assert.Equal(2, kit.Layer.Count);
    }

    [Fact]
    public void Custom_timer_values_are_used()
    {
        using var kit = new TransactionTestKit(options: new SipTransactionOptions { T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400) });
        kit.Layer.SendRequest(Request(SipMethods.Options), Remote);
        kit.Advance(6.5, 10);
        List<double> times = Seconds(kit.Sender.TimesOf(m => IsRequest(m, SipMethods.Options)));
        Assert.Equal([0, 0.1, 0.3, 0.7, 1.1, 1.5], times.Take(6).ToList());
        Assert.Equal(0, kit.Layer.Count); // F = 6.4 s
    }

    [Fact]
    public void Responses_without_branch_or_CSeq_are_dropped()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        SipClientTransaction tx = kit.Layer.SendRequest(invite, Remote);
        SipResponse broken = ResponseTo(invite, 180);
        broken.RemoveHeaders(SipHeaderNames.CSeq);
        kit.Layer.OnMessageReceived(broken, Remote);
        SipResponse noBranch = ResponseTo(invite, 180);
        noBranch.SetHeader(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.1:5060");
        kit.Layer.OnMessageReceived(noBranch, Remote);
        Assert.Equal(SipTransactionState.Calling, tx.State);
        Assert.Empty(kit.Unmatched);
    }
}
