using FsCheck.Xunit;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transactions;
using static VoipKit.Signaling.Tests.Transactions.TransactionTestKit;

namespace VoipKit.Signaling.Tests.Transactions;

public class TransactionPropertyTests
{
    private static readonly int[] s_codes = [100, 180, 200, 486];

    /// <summary>
    /// Any interleaving of requests, responses, retransmissions, CANCELs, ACKs and time leaves no transaction behind
    /// once the TU has answered everything and the timers have run out, and every client transaction has a result.
    /// </summary>
    [Property(MaxTest = 100)]
    public bool The_table_always_drains(byte[] script, bool reliable)
    {
        using var kit = new TransactionTestKit(reliable);
        var servers = new List<SipServerTransaction>();
        kit.Layer.RequestReceived = servers.Add;
        var clients = new List<SipClientTransaction>();
        int n = 0;
        foreach (byte b in script)
        {
            int arg = b / 8;
            switch (b % 8)
            {
                case 0:
                case 1:
                    string method = b % 8 == 0 ? SipMethods.Invite : SipMethods.Options;
                    clients.Add(kit.Layer.SendRequest(Request(method, branch: "z9hG4bKc" + n++), Remote));
                    break;
                case 2 when clients.Count > 0:
                    SipClientTransaction c = clients[arg % clients.Count];
                    kit.Layer.OnMessageReceived(ResponseTo(c.Request, s_codes[arg % s_codes.Length]), Remote);
                    break;
                case 3:
                    kit.Layer.OnMessageReceived(Request(arg % 2 == 0 ? SipMethods.Invite : SipMethods.Options, branch: "z9hG4bKs" + (arg % 6)), Remote);
                    break;
                case 4 when servers.Count > 0:
                    SipServerTransaction s = servers[arg % servers.Count];
                    if (!s.HasFinalResponse && s.State != SipTransactionState.Terminated)
                    {
                        s.Respond(s_codes[arg % s_codes.Length], "t");
                    }

                    break;
                case 5:
                    kit.Advance(0.3, 100);
                    break;
                case 6 when clients.Count > 0:
                    if (clients[arg % clients.Count] is SipClientInviteTransaction invite)
                    {
                        _ = invite.CancelAsync();
                    }

                    break;
                case 7:
                    kit.Layer.OnMessageReceived(Request(SipMethods.Ack, branch: "z9hG4bKs" + (arg % 6)), Remote);
                    break;
                default:
                    break;
            }
        }

        foreach (SipServerTransaction s in servers.Where(s => !s.HasFinalResponse && s.State != SipTransactionState.Terminated))
        {
            s.Respond(500, "t");
        }

        kit.Advance(250, 500);
        return kit.Layer.Count == 0 && clients.All(c => c.Completion.IsCompleted);
    }
}
