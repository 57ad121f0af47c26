using System.Net;
using System.Net.Sockets;
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
    [InlineData(SipTransportProtocol.Tls, "127.0.0.1")]
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
        string transport = protocol switch
        {
            SipTransportProtocol.Tcp => ";transport=tcp",
            SipTransportProtocol.Tls => ";transport=tls",
            _ => string.Empty,
        };

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

    [Fact]
    public async Task Garbage_on_the_socket_does_not_disturb_a_call_in_progress()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = timeout.Token;
        await using var alice = new SipUserAgent(Options("alice", SipTransportProtocol.Udp, "127.0.0.1"));
        await using var bob = new SipUserAgent(Options("bob", SipTransportProtocol.Udp, "127.0.0.1"));
        var bobDialog = new TaskCompletionSource<SipDialog>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall = async (call, token) => bobDialog.SetResult(await call.AcceptAsync(SipBody.Sdp("v=0\r\n"), token));
        await alice.StartAsync(ct);
        await bob.StartAsync(ct);
        SipCallResult result = await alice.InviteAsync(SipUri.Parse($"sip:bob@127.0.0.1:{bob.LocalEndPoint.Port}"), SipBody.Sdp("v=0\r\n"), cancellationToken: ct);
        SipDialog bobSide = await bobDialog.Task.WaitAsync(ct);

        using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[][] junk =
        [
            [0xFF, 0x00, 0x13, 0x37],
            "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx;rport\r\nFrom: <sip:x@y>;tag=2\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: junk\r\nCSeq: banana\r\nContent-Length: 0\r\n\r\n"u8.ToArray(),
            "BYE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKy;rport\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:bob@127.0.0.1>;tag=nope\r\nCall-ID: forged\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n"u8.ToArray(),
            new byte[65_000],
        ];
        foreach (byte[] datagram in junk)
        {
            await attacker.SendAsync(datagram, bob.LocalEndPoint, ct);
        }

        UdpReceiveResult first = await attacker.ReceiveAsync(ct);
        UdpReceiveResult second = await attacker.ReceiveAsync(ct);
        int[] statuses = [.. new[] { first, second }.Select(r => int.Parse(System.Text.Encoding.ASCII.GetString(r.Buffer, 8, 3), System.Globalization.CultureInfo.InvariantCulture)).Order()];
        Assert.Equal([400, 481], statuses); // the malformed INVITE gets 400 (echoing its bad CSeq), the forged BYE 481

        SipResponse options = await result.Dialog!.OptionsAsync(ct);
        Assert.Equal(200, options.StatusCode);
        Assert.Equal(SipDialogState.Confirmed, bobSide.State);
        Assert.True(bob.Transport.Statistics.MalformedDropped + bob.Transport.Statistics.OversizedDropped >= 2);
        Assert.Equal(0, bob.Transport.Statistics.HandlerFailures);
    }

    private static SipUserAgentOptions Options(string user, SipTransportProtocol protocol, string address) => new()
    {
        Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
        Transport = protocol,
        LocalEndPoint = new IPEndPoint(IPAddress.Parse(address), 0),
        Tls = protocol == SipTransportProtocol.Tls ? Transports.StreamTestKit.TlsOptions : null,
    };
}
