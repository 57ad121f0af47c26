using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using static VoipKit.Signaling.Tests.Transactions.TransactionTestKit;

namespace VoipKit.Signaling.Tests.Transactions;

public class CancelTests
{
    private static SipRequest SentCancel(TransactionTestKit kit) =>
        (SipRequest)Assert.Single(kit.Sender.Sent, s => IsRequest(s.Message, SipMethods.Cancel)).Message;

    [Fact]
    public async Task Cancel_is_built_per_RFC_3261_9_1_and_the_invite_then_gets_487()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var tx = (SipClientInviteTransaction)kit.Layer.SendRequest(invite, Remote);
        kit.Layer.OnMessageReceived(ResponseTo(invite, 180), Remote);

        Task<SipTransactionResult> cancelResult = tx.CancelAsync();
        SipRequest cancel = SentCancel(kit);
        Assert.Equal("1 CANCEL", cancel.GetHeader(SipHeaderNames.CSeq));
        Assert.Equal("z9hG4bKclient1", Assert.Single(cancel.Via).Branch);
        Assert.Equal(invite.RequestUri, cancel.RequestUri);
        Assert.Equal(invite.CallId, cancel.CallId);
        Assert.Equal(invite.GetHeader(SipHeaderNames.From), cancel.GetHeader(SipHeaderNames.From));
        Assert.Equal(invite.GetHeader(SipHeaderNames.To), cancel.GetHeader(SipHeaderNames.To));
        Assert.Equal(2, kit.Layer.Count); // the CANCEL is its own transaction

        kit.Layer.OnMessageReceived(ResponseTo(cancel, 200), Remote);
        kit.Layer.OnMessageReceived(ResponseTo(invite, 487), Remote);
        Assert.Equal(200, (await cancelResult).Response!.StatusCode);
        Assert.Equal(487, (await tx.Completion).Response!.StatusCode);
        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Ack)));

        kit.Advance(32.1, 100);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public async Task A_2xx_crossing_the_CANCEL_reaches_the_TU()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var tx = (SipClientInviteTransaction)kit.Layer.SendRequest(invite, Remote);
        kit.Layer.OnMessageReceived(ResponseTo(invite, 180), Remote);
        Task<SipTransactionResult> cancelResult = tx.CancelAsync();
        SipRequest cancel = SentCancel(kit);

        kit.Layer.OnMessageReceived(ResponseTo(invite, 200), Remote); // the callee answered before seeing the CANCEL
        kit.Layer.OnMessageReceived(ResponseTo(cancel, 200), Remote);

        SipTransactionResult result = await tx.Completion;
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.Equal(SipTransactionState.Accepted, tx.State);
        Assert.Equal(200, (await cancelResult).Response!.StatusCode);
        Assert.Equal(0, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Ack))); // the TU ACKs the 2xx

        kit.Advance(32.1, 100);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public async Task Cancel_waits_for_a_provisional_response_and_is_not_sent_after_a_final()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var tx = (SipClientInviteTransaction)kit.Layer.SendRequest(invite, Remote);

        Task<SipTransactionResult> cancelResult = tx.CancelAsync();
        Assert.Same(cancelResult, tx.CancelAsync());
        Assert.Equal(0, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Cancel)));
        kit.Layer.OnMessageReceived(ResponseTo(invite, 100), Remote);
        Assert.Equal(1, kit.Sender.CountOf(m => IsRequest(m, SipMethods.Cancel)));

        using var kit2 = new TransactionTestKit();
        var tx2 = (SipClientInviteTransaction)kit2.Layer.SendRequest(invite, Remote);
        Task<SipTransactionResult> pending = tx2.CancelAsync();
        kit2.Layer.OnMessageReceived(ResponseTo(invite, 486), Remote);
        Assert.Equal(SipTransactionOutcome.NotSent, (await pending).Outcome);
        Assert.Equal(SipTransactionOutcome.NotSent, (await tx2.CancelAsync()).Outcome);
        Assert.Equal(0, kit2.Sender.CountOf(m => IsRequest(m, SipMethods.Cancel)));
        _ = cancelResult;
    }

    [Fact]
    public async Task Cancelled_invite_without_final_response_ends_after_64_T1()
    {
        using var kit = new TransactionTestKit();
        SipRequest invite = Request(SipMethods.Invite);
        var tx = (SipClientInviteTransaction)kit.Layer.SendRequest(invite, Remote);
        kit.Layer.OnMessageReceived(ResponseTo(invite, 180), Remote);
        kit.Advance(40, 100); // Proceeding: no timer B
        Assert.False(tx.Completion.IsCompleted);

        Task<SipTransactionResult> cancelResult = tx.CancelAsync();
        kit.Layer.OnMessageReceived(ResponseTo(SentCancel(kit), 200), Remote);
        kit.Advance(32.1, 100);

        Assert.Equal(SipTransactionOutcome.TimedOut, (await tx.Completion).Outcome);
        Assert.Equal(200, (await cancelResult).Response!.StatusCode);
        kit.Advance(5.1, 100);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public void Server_answers_CANCEL_with_200_and_the_hook_answers_the_INVITE_with_487()
    {
        using var kit = new TransactionTestKit();
        var received = new List<SipServerTransaction>();
        kit.Layer.RequestReceived = received.Add;
        var cancelled = new List<SipServerInviteTransaction>();
        kit.Layer.CancelReceived = (invite, cancel) =>
        {
            cancelled.Add(invite);
            invite.Respond(487, "t1");
        };

        SipRequest invite = Request(SipMethods.Invite);
        kit.Layer.OnMessageReceived(invite, Remote);
        received[0].Respond(180, "t1");
        kit.Layer.OnMessageReceived(Request(SipMethods.Cancel), Remote);

        Assert.Same(received[0], Assert.Single(cancelled));
        Assert.Single(received); // the CANCEL is not a new request for the TU
        var ok = (SipResponse)Assert.Single(kit.Sender.Sent, s => IsStatus(s.Message, 200)).Message;
        Assert.Equal("1 CANCEL", ok.GetHeader(SipHeaderNames.CSeq));
        var terminated = (SipResponse)Assert.Single(kit.Sender.Sent, s => IsStatus(s.Message, 487)).Message;
        Assert.Equal("1 INVITE", terminated.GetHeader(SipHeaderNames.CSeq));

        // A retransmitted CANCEL gets the 200 again and does not reach the hook.
        kit.Layer.OnMessageReceived(Request(SipMethods.Cancel), Remote);
        Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 200)));
        Assert.Single(cancelled);

        kit.Layer.OnMessageReceived(AckFor(invite, terminated), Remote);
        kit.Advance(32.1, 100);
        Assert.Equal(0, kit.Layer.Count);
    }

    [Fact]
    public void Server_without_hook_sends_487_itself_and_unknown_CANCEL_gets_481()
    {
        using var kit = new TransactionTestKit();
        kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
        kit.Layer.OnMessageReceived(Request(SipMethods.Cancel), Remote);
        Assert.Equal(1, kit.Sender.CountOf(m => IsStatus(m, 487)));

        kit.Layer.OnMessageReceived(Request(SipMethods.Cancel, branch: "z9hG4bKnothing"), Remote);
        Assert.Equal(1, kit.Sender.CountOf(m => IsStatus(m, 481)));
    }

    [Fact]
    public void Cancel_after_the_final_response_gets_200_and_changes_nothing()
    {
        using var kit = new TransactionTestKit();
        var received = new List<SipServerTransaction>();
        kit.Layer.RequestReceived = received.Add;
        int hookCalls = 0;
        kit.Layer.CancelReceived = (_, _) => hookCalls++;
        kit.Layer.OnMessageReceived(Request(SipMethods.Invite), Remote);
        received[0].Respond(200, "t1");
        kit.Layer.OnMessageReceived(Request(SipMethods.Cancel), Remote);
        Assert.Equal(0, hookCalls);
        Assert.Equal(2, kit.Sender.CountOf(m => IsStatus(m, 200)));
        Assert.Equal(0, kit.Sender.CountOf(m => IsStatus(m, 487)));
    }
}
