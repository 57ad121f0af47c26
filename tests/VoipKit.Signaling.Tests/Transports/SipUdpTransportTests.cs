using System.Net;
using System.Net.Sockets;
using System.Text;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.Tests.Transports;

public sealed class SipUdpTransportTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_and_response_round_trip(bool v6)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var serverInbox = new Inbox();
        var clientInbox = new Inbox();
        await using var server = new SipUdpTransport(TestMessages.Loopback(v6), serverInbox.Handler);
        await using var client = new SipUdpTransport(TestMessages.Loopback(v6), clientInbox.Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
        Assert.False(server.IsReliable);
        Assert.Equal(SipTransportProtocol.Udp, server.Protocol);

        await client.SendAsync(TestMessages.Options("udp-rt"), server.LocalEndPoint, cts.Token);
        SipReceivedMessage request = await serverInbox.NextAsync(cts.Token);
        Assert.Equal("udp-rt", request.Message.CallId);
        Assert.Same(server, request.Transport);
        Assert.Equal(client.LocalEndPoint, request.RemoteEndPoint);

        await request.Transport.SendAsync(TestMessages.OkFor(request.Message), request.RemoteEndPoint, cts.Token);
        SipReceivedMessage response = await clientInbox.NextAsync(cts.Token);
        Assert.Equal(200, Assert.IsType<SipResponse>(response.Message).StatusCode);
        Assert.Equal("udp-rt", response.Message.CallId);
        Assert.Equal(1, server.Statistics.MessagesReceived);
        Assert.Equal(1, client.Statistics.MessagesReceived);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Received_and_rport_are_filled_in_the_top_via(bool v6)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using var server = new SipUdpTransport(TestMessages.Loopback(v6), inbox.Handler);
        await server.StartAsync(cts.Token);
        using var raw = new Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        raw.Bind(TestMessages.Loopback(v6));
        await raw.SendToAsync(Encoding.UTF8.GetBytes(TestMessages.OptionsText("via")), server.LocalEndPoint, cts.Token);

        SipReceivedMessage got = await inbox.NextAsync(cts.Token);
        SipVia top = got.Message.Via[0];
        var rawEnd = (IPEndPoint)raw.LocalEndPoint!;
        Assert.Equal(rawEnd.Address.ToString(), top.Received);
        Assert.Equal(rawEnd.Port, top.RPort);
        Assert.Equal("z9hG4bK-via", top.Branch);
    }

    [Fact]
    public async Task Garbage_datagram_is_dropped_and_the_next_good_one_is_delivered()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using var server = new SipUdpTransport(TestMessages.Loopback(false), inbox.Handler);
        await server.StartAsync(cts.Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        raw.Bind(TestMessages.Loopback(false));
        await raw.SendToAsync(new byte[] { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2 }, server.LocalEndPoint, cts.Token);
        await raw.SendToAsync("\r\n\r\n"u8.ToArray(), server.LocalEndPoint, cts.Token);
        await raw.SendToAsync(Encoding.UTF8.GetBytes(TestMessages.OptionsText("after-garbage")), server.LocalEndPoint, cts.Token);

        SipReceivedMessage got = await inbox.NextAsync(cts.Token);
        Assert.Equal("after-garbage", got.Message.CallId);
        Assert.Equal(1, server.Statistics.MalformedDropped);
    }

    [Fact]
    public async Task Malformed_request_with_readable_headers_gets_a_400()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using var server = new SipUdpTransport(TestMessages.Loopback(false), inbox.Handler);
        await server.StartAsync(cts.Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        raw.Bind(TestMessages.Loopback(false));
        string bad = TestMessages.OptionsText("bad-mf").Replace("Max-Forwards: 70", "Max-Forwards: lots", StringComparison.Ordinal);
        await raw.SendToAsync(Encoding.UTF8.GetBytes(bad), server.LocalEndPoint, cts.Token);

        byte[] buffer = new byte[4096];
        int n = await raw.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        var response = Assert.IsType<SipResponse>(SipMessage.Parse(buffer.AsSpan(0, n)));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("bad-mf", response.CallId);
        Assert.Equal(1, server.Statistics.RejectedWith400);
        Assert.False(inbox.TryNext(out _));
    }

    [Fact]
    public async Task Oversized_datagram_is_dropped()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        var options = new SipTransportOptions { MaxMessageSize = 1024 };
        await using var server = new SipUdpTransport(TestMessages.Loopback(false), inbox.Handler, options);
        await server.StartAsync(cts.Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        raw.Bind(TestMessages.Loopback(false));
        await raw.SendToAsync(Encoding.UTF8.GetBytes(TestMessages.OptionsText("big", body: new string('x', 4000))), server.LocalEndPoint, cts.Token);
        await raw.SendToAsync(Encoding.UTF8.GetBytes(TestMessages.OptionsText("small")), server.LocalEndPoint, cts.Token);

        SipReceivedMessage got = await inbox.NextAsync(cts.Token);
        Assert.Equal("small", got.Message.CallId);
        Assert.Equal(1, server.Statistics.OversizedDropped);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_receiving()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        int calls = 0;
        SipMessageHandler handler = (m, ct) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : inbox.Handler(m, ct);
        await using var server = new SipUdpTransport(TestMessages.Loopback(false), handler);
        await using var client = new SipUdpTransport(TestMessages.Loopback(false), new Inbox().Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);
        await client.SendAsync(TestMessages.Options("first"), server.LocalEndPoint, cts.Token);
        await client.SendAsync(TestMessages.Options("second"), server.LocalEndPoint, cts.Token);

        Assert.Equal("second", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal(1, server.Statistics.HandlerFailures);
    }

    [Fact]
    public async Task Dual_mode_socket_takes_ipv4_and_answers_it()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var serverInbox = new Inbox();
        var clientInbox = new Inbox();
        await using var server = new SipUdpTransport(new IPEndPoint(IPAddress.IPv6Any, 0), serverInbox.Handler);
        await using var client = new SipUdpTransport(TestMessages.Loopback(false), clientInbox.Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);

        await client.SendAsync(TestMessages.Options("dual"), new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint.Port), cts.Token);
        SipReceivedMessage request = await serverInbox.NextAsync(cts.Token);
        Assert.Equal("127.0.0.1", request.Message.Via[0].Received);
        await request.Transport.SendAsync(TestMessages.OkFor(request.Message), request.RemoteEndPoint, cts.Token);
        Assert.Equal("dual", (await clientInbox.NextAsync(cts.Token)).Message.CallId);
    }
}
