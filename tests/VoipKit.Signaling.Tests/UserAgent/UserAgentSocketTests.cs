using System.Net;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>Two user agents over real loopback sockets (UDP, TCP), in real time.</summary>
public sealed class UserAgentSocketTests
{
    [Theory]
    [InlineData(SipTransportProtocol.Udp, "127.0.0.1")]
    [InlineData(SipTransportProtocol.Tcp, "127.0.0.1")]
    [InlineData(SipTransportProtocol.Udp, "::1")]
    public async Task Call_reinvite_and_bye_over_loopback(SipTransportProtocol protocol, string address)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        await using var alice = new SipUserAgent(Options("alice", protocol, address));
        await using var bob = new SipUserAgent(Options("bob", protocol, address));
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, token) =>
        {
            call.Ring();
            bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp("v=0\r\ns=bob\r\n"), token));
        };
        await alice.StartAsync(ct);
        await bob.StartAsync(ct);
        string host = address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address;
        string transport = protocol == SipTransportProtocol.Tcp ? ";transport=tcp" : string.Empty;

        SipCallResult result = await alice.InviteAsync(
            SipUri.Parse($"sip:bob@{host}:{bob.LocalEndPoint.Port}{transport}"), SipBody.Sdp("v=0\r\ns=alice\r\n"), cancellationToken: ct);
        Assert.True(result.Succeeded, "status " + result.StatusCode);
        SipDialog bobSide = await bobDialog.Task.WaitAsync(ct);
        bobSide.OfferReceived = (offer, _) => ValueTask.FromResult<SipBody?>(SipBody.Sdp("v=0\r\ns=bob-held\r\n"));

        SipResponse reinvite = await result.Dialog!.ReinviteAsync(SipBody.Sdp("v=0\r\ns=alice-hold\r\n"), ct);
        Assert.Equal(200, reinvite.StatusCode);
        Assert.Equal("v=0\r\ns=bob-held\r\n", result.Dialog.RemoteBody!.ToString());

        SipResponse? bye = await result.Dialog.ByeAsync(ct);
        Assert.Equal(200, bye!.StatusCode);
        SipDialogEnd end = await bobSide.Ended.WaitAsync(ct);
        Assert.Equal(SipDialogEndReason.RemoteHangup, end.Reason);
        Assert.Equal(0, bob.Transport.Statistics.MalformedDropped);
        Assert.Equal(0, bob.Transport.Statistics.HandlerFailures);
    }

    private static SipUserAgentOptions Options(string user, SipTransportProtocol protocol, string address) => new()
    {
        Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
        Transport = protocol,
        LocalEndPoint = new IPEndPoint(IPAddress.Parse(address), 0),
    };
}
