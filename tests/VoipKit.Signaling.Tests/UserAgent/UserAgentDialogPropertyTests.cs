using FsCheck;
using FsCheck.Fluent;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>
/// Random in-dialog sequences over a lossy network, in virtual time: whatever the order of re-INVITEs, UPDATEs and OPTIONS
/// from either side and whatever the network drops, both sides agree on the session after every completed offer, and a
/// BYE ends both dialogs.
/// </summary>
public sealed class UserAgentDialogPropertyTests
{
    private enum Step
    {
        AliceReinvite,
        BobReinvite,
        AliceUpdate,
        BobUpdate,
        AliceOptions,
        BobOptions,
    }

    [Fact]
    public void Both_sides_agree_on_the_session_after_any_sequence_over_a_lossy_network()
    {
        Gen<(Step[] Steps, int LossPercent, int Seed)> cases =
            from steps in Gen.ArrayOf(Gen.Elements(Enum.GetValues<Step>()), 6)
            from loss in Gen.Choose(0, 15)
            from seed in Gen.Choose(0, 1_000_000)
            select (steps, loss, seed);

        Prop.ForAll(cases.ToArbitrary(), c => RunCase(c.Steps, c.LossPercent, c.Seed).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(12).WithStartSize(1).WithEndSize(6));
    }

    private static async Task<bool> RunCase(Step[] steps, int lossPercent, int seed)
    {
        var net = new InMemorySipNetwork();
        var random = new Random(seed);
        var gate = new Lock();
        net.Drop = (_, _, m) =>
        {
            lock (gate)
            {
                return random.Next(100) < lossPercent;
            }
        };
        await using SipUserAgent alice = net.CreateAgent(net.Options("alice"));
        await using SipUserAgent bob = net.CreateAgent(net.Options("bob"));
        await alice.StartAsync();
        await bob.StartAsync();
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, ct) => bobDialog.TrySetResult(await call.AcceptAsync(Sdp("bob", 0), ct));
        SipCallResult result = await net.Run(alice.InviteAsync(SipUri.Parse("sip:bob@" + bob.LocalEndPoint), Sdp("alice", 0)), TimeSpan.FromMinutes(2));
        if (!result.Succeeded)
        {
            return result.StatusCode == 408; // every INVITE copy lost: a legitimate outcome, nothing to compare
        }

        SipDialog a = result.Dialog!;
        SipDialog b = await net.Run(bobDialog.Task, TimeSpan.FromMinutes(2));
        int version = 0;
        a.OfferReceived = (offer, _) => ValueTask.FromResult<SipBody?>(Answer("alice", offer));
        b.OfferReceived = (offer, _) => ValueTask.FromResult<SipBody?>(Answer("bob", offer));
        foreach (Step step in steps)
        {
            if (a.State == SipDialogState.Terminated || b.State == SipDialogState.Terminated)
            {
                break; // a timeout on a very lossy run ended the dialog (RFC 5057): legitimate
            }

            version++;
            (SipDialog from, string who) = step is Step.AliceReinvite or Step.AliceUpdate or Step.AliceOptions ? (a, "alice") : (b, "bob");
            SipResponse response = step switch
            {
                Step.AliceReinvite or Step.BobReinvite => await net.Run(from.ReinviteAsync(Sdp(who, version)), TimeSpan.FromMinutes(2)),
                Step.AliceUpdate or Step.BobUpdate => await net.Run(from.UpdateAsync(Sdp(who, version)), TimeSpan.FromMinutes(2)),
                _ => await net.Run(from.OptionsAsync(), TimeSpan.FromMinutes(2)),
            };
            await net.Advance(TimeSpan.FromSeconds(1)); // let ACKs and retransmissions settle
            if (response.StatusCode is >= 200 and < 300 && a.State != SipDialogState.Terminated && b.State != SipDialogState.Terminated &&
                (!Same(a.LocalBody, b.RemoteBody) || !Same(a.RemoteBody, b.LocalBody)))
            {
                return false;
            }
        }

        net.Drop = null;
        if (a.State != SipDialogState.Terminated)
        {
            await net.Run(a.ByeAsync(), TimeSpan.FromMinutes(2));
        }

        await net.Run(b.Ended, TimeSpan.FromMinutes(2));
        return a.State == SipDialogState.Terminated && b.State == SipDialogState.Terminated && alice.Dialogs.Count == 0 && bob.Dialogs.Count == 0;
    }

    private static SipBody Sdp(string who, int version) => SipBody.Sdp($"v=0\r\no={who} 1 {version} IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");

    private static SipBody Answer(string who, SipBody offer) => SipBody.Sdp(offer + $"a=answered-by:{who}\r\n");

    private static bool Same(SipBody? x, SipBody? y) => x?.ToString() == y?.ToString();
}
