using System.Text;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.Tests.Transports;

public sealed class SipStreamTransportTests
{
    public static TheoryData<bool, bool> TlsAndFamily => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    public static TheoryData<bool> Tls => new() { false, true };

    [Theory]
    [MemberData(nameof(TlsAndFamily))]
    public async Task Request_and_response_round_trip_on_one_reused_connection(bool tls, bool v6)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var serverInbox = new Inbox();
        var clientInbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(tls, v6, serverInbox.Handler);
        await using SipStreamTransport client = StreamTestKit.Create(tls, v6, clientInbox.Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);
        Assert.Equal(tls ? SipTransportProtocol.Tls : SipTransportProtocol.Tcp, server.Protocol);
        Assert.True(server.IsReliable);

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(TestMessages.Options("rt" + i, tls ? "TLS" : "TCP"), server.LocalEndPoint, cts.Token);
            SipReceivedMessage request = await serverInbox.NextAsync(cts.Token);
            Assert.Equal("rt" + i, request.Message.CallId);
            Assert.Equal(request.RemoteEndPoint.Address.ToString(), request.Message.Via[0].Received);
            Assert.Equal(request.RemoteEndPoint.Port, request.Message.Via[0].RPort);

            await request.Transport.SendAsync(TestMessages.OkFor(request.Message), request.RemoteEndPoint, cts.Token);
            SipReceivedMessage response = await clientInbox.NextAsync(cts.Token);
            Assert.Equal(200, Assert.IsType<SipResponse>(response.Message).StatusCode);
            Assert.Equal("rt" + i, response.Message.CallId);
        }

        // The response went back on the inbound connection, and the client reused its one outbound connection.
        Assert.Equal(1, client.ConnectionCount);
        Assert.Equal(1, server.ConnectionCount);
        Assert.True(client.HasConnection(server.LocalEndPoint));
    }

    [Theory]
    [MemberData(nameof(Tls))]
    public async Task Message_split_into_small_writes_and_several_messages_in_one_write(bool tls)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(tls, false, inbox.Handler);
        await server.StartAsync(cts.Token);
        await using RawClient raw = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);

        string split = TestMessages.OptionsText("split", "TCP", body: "hello body");
        for (int i = 0; i < split.Length; i += 7)
        {
            await raw.WriteAsync(split.Substring(i, Math.Min(7, split.Length - i)), cts.Token);
        }

        SipReceivedMessage first = await inbox.NextAsync(cts.Token);
        Assert.Equal("split", first.Message.CallId);
        Assert.Equal("hello body", Encoding.UTF8.GetString(first.Message.Body.Span));

        await raw.WriteAsync(TestMessages.OptionsText("m1", "TCP") + "\r\n\r\n" + TestMessages.OptionsText("m2", "TCP", body: "x") + TestMessages.OptionsText("m3", "TCP"), cts.Token);
        Assert.Equal("m1", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal("m2", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal("m3", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal("\r\n", await raw.ReadSomeAsync(cts.Token));
    }

    [Theory]
    [MemberData(nameof(Tls))]
    public async Task Garbage_closes_only_its_connection(bool tls)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(tls, false, inbox.Handler);
        await server.StartAsync(cts.Token);
        await using RawClient good = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);
        await using RawClient bad = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);

        await good.WriteAsync(TestMessages.OptionsText("before", "TCP"), cts.Token);
        Assert.Equal("before", (await inbox.NextAsync(cts.Token)).Message.CallId);

        // No Content-Length: the stream cannot be framed, so the server drops the connection.
        await bad.WriteAsync("this is not SIP\r\nat all: really\r\n\r\n", cts.Token);
        Assert.True(await bad.WaitForCloseAsync(cts.Token));

        await good.WriteAsync(TestMessages.OptionsText("after", "TCP"), cts.Token);
        Assert.Equal("after", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal(1, server.Statistics.MalformedDropped);
        Assert.Equal(1, server.Statistics.ConnectionsClosedForErrors);
    }

    [Fact]
    public async Task A_well_framed_but_unparseable_message_is_skipped_and_the_connection_stays()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(false, false, inbox.Handler);
        await server.StartAsync(cts.Token);
        await using RawClient raw = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);

        await raw.WriteAsync("NOT A START LINE\r\nContent-Length: 0\r\n\r\n" + TestMessages.OptionsText("next", "TCP"), cts.Token);
        Assert.Equal("next", (await inbox.NextAsync(cts.Token)).Message.CallId);
        Assert.Equal(1, server.Statistics.MalformedDropped);
        Assert.Equal(0, server.Statistics.ConnectionsClosedForErrors);
    }

    [Fact]
    public async Task Malformed_request_with_readable_headers_gets_a_400_on_the_connection()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(false, false, inbox.Handler);
        await server.StartAsync(cts.Token);
        await using RawClient raw = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);

        await raw.WriteAsync(TestMessages.OptionsText("bad", "TCP").Replace("Max-Forwards: 70", "Max-Forwards: many", StringComparison.Ordinal), cts.Token);
        var response = Assert.IsType<SipResponse>(SipMessage.Parse(Encoding.UTF8.GetBytes(await raw.ReadSomeAsync(cts.Token))));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("bad", response.CallId);
    }

    [Theory]
    [MemberData(nameof(Tls))]
    public async Task Oversized_message_is_rejected_before_its_body_is_buffered(bool tls)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        var options = new SipTransportOptions { MaxMessageSize = 2048, MaxBufferedBytesPerConnection = 4096 };
        await using SipStreamTransport server = StreamTestKit.Create(tls, false, inbox.Handler, options);
        await server.StartAsync(cts.Token);
        await using RawClient declared = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);
        await using RawClient endless = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);

        // The header announces 1 MB; only the header is sent, and the server closes on seeing it.
        await declared.WriteAsync(TestMessages.OptionsText("huge", "TCP").Replace("Content-Length: 0", "Content-Length: 1000000", StringComparison.Ordinal), cts.Token);
        Assert.True(await declared.WaitForCloseAsync(cts.Token));

        // A header section that never ends is cut off at the limit.
        await endless.WriteAsync("OPTIONS sip:a@b SIP/2.0\r\nX-Filler: " + new string('a', 3000), cts.Token);
        Assert.True(await endless.WaitForCloseAsync(cts.Token));
        Assert.Equal(2, server.Statistics.OversizedDropped);
        Assert.Equal(0, server.Statistics.MessagesReceived);
    }

    [Theory]
    [MemberData(nameof(Tls))]
    public async Task Keep_alive_ping_gets_a_pong(bool tls)
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        await using SipStreamTransport server = StreamTestKit.Create(tls, false, new Inbox().Handler);
        await using SipStreamTransport client = StreamTestKit.Create(tls, false, new Inbox().Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);

        await client.PingAsync(server.LocalEndPoint, cts.Token);
        await client.PingAsync(server.LocalEndPoint, cts.Token);
        Assert.Equal(1, client.ConnectionCount);

        await using RawClient raw = await StreamTestKit.ConnectRawAsync(tls, server.LocalEndPoint, cts.Token);
        await raw.WriteAsync("\r\n\r\n", cts.Token);
        Assert.Equal("\r\n", await raw.ReadSomeAsync(cts.Token));
    }

    [Fact]
    public async Task Idle_connections_are_closed_on_the_transport_clock()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var time = new FakeTimeProvider();
        var options = new SipTransportOptions { IdleTimeout = TimeSpan.FromSeconds(30), TimeProvider = time };
        await using SipStreamTransport server = StreamTestKit.Create(false, false, new Inbox().Handler, options);
        await server.StartAsync(cts.Token);
        await using RawClient raw = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);
        await raw.WriteAsync("\r\n\r\n", cts.Token);
        Assert.Equal("\r\n", await raw.ReadSomeAsync(cts.Token));

        // The server notes activity after its pong write completes, which may be after we saw the pong: so step the
        // clock until the connection goes, and check it did not go early.
        TimeSpan advanced = TimeSpan.Zero;
        while (server.ConnectionCount == 1 && advanced < TimeSpan.FromMinutes(2))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            advanced += TimeSpan.FromSeconds(5);
            await Task.Delay(5, cts.Token);
        }

        Assert.InRange(advanced, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(50));
        Assert.True(await raw.WaitForCloseAsync(cts.Token));
        Assert.Equal(1, server.Statistics.IdleConnectionsClosed);
    }

    [Fact]
    public async Task Connections_over_the_cap_are_refused()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(false, false, inbox.Handler, new SipTransportOptions { MaxConnections = 1 });
        await server.StartAsync(cts.Token);
        await using RawClient first = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);
        await first.WriteAsync(TestMessages.OptionsText("first", "TCP"), cts.Token);
        Assert.Equal("first", (await inbox.NextAsync(cts.Token)).Message.CallId);

        await using RawClient second = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);
        Assert.True(await second.WaitForCloseAsync(cts.Token));
        Assert.Equal(1, server.Statistics.ConnectionsRejected);

        await first.WriteAsync(TestMessages.OptionsText("still", "TCP"), cts.Token);
        Assert.Equal("still", (await inbox.NextAsync(cts.Token)).Message.CallId);
    }

    [Fact]
    public async Task Tls_connect_fails_when_the_callback_rejects_the_certificate()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        await using SipStreamTransport server = StreamTestKit.Create(true, false, new Inbox().Handler);
        await server.StartAsync(cts.Token);
        SipTlsOptions rejecting = StreamTestKit.TlsOptions with { RemoteCertificateValidation = (_, _, _, _) => false };
        await using var client = new SipStreamTransport(TestMessages.Loopback(false), new Inbox().Handler, null, rejecting);
        await client.StartAsync(cts.Token);

        await Assert.ThrowsAsync<SipTransportException>(async () => await client.SendAsync(TestMessages.Options("x", "TLS"), server.LocalEndPoint, cts.Token));
        Assert.Equal(0, client.ConnectionCount);
        Assert.Equal(1, client.Statistics.TlsHandshakeFailures);
    }

    [Fact]
    public async Task Concurrent_sends_to_a_new_peer_open_one_connection()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(false, false, inbox.Handler);
        await using SipStreamTransport client = StreamTestKit.Create(false, false, new Inbox().Handler);
        await server.StartAsync(cts.Token);
        await client.StartAsync(cts.Token);

        Task[] sends = Enumerable.Range(0, 8).Select(i => client.SendAsync(TestMessages.Options("c" + i, "TCP"), server.LocalEndPoint, cts.Token).AsTask()).ToArray();
        await Task.WhenAll(sends);
        var ids = new HashSet<string>();
        for (int i = 0; i < 8; i++)
        {
            ids.Add((await inbox.NextAsync(cts.Token)).Message.CallId!);
        }

        Assert.Equal(8, ids.Count);
        Assert.Equal(1, client.ConnectionCount);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task Disposing_closes_connections_and_send_after_dispose_throws()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        await using SipStreamTransport server = StreamTestKit.Create(false, false, new Inbox().Handler);
        await server.StartAsync(cts.Token);
        SipStreamTransport client = StreamTestKit.Create(false, false, new Inbox().Handler);
        await client.StartAsync(cts.Token);
        await client.PingAsync(server.LocalEndPoint, cts.Token);

        await client.DisposeAsync();
        Assert.Equal(0, client.ConnectionCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.SendAsync(TestMessages.Options("late", "TCP"), server.LocalEndPoint, cts.Token));
    }

    [Fact]
    public async Task Connect_to_a_closed_port_fails_with_a_transport_exception_and_frees_its_slot()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var options = new SipTransportOptions { MaxConnections = 1 };
        await using SipStreamTransport client = StreamTestKit.Create(false, false, new Inbox().Handler, options);
        await client.StartAsync(cts.Token);
        System.Net.IPEndPoint closed;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = (System.Net.IPEndPoint)probe.LocalEndpoint;
            probe.Stop();
        }

        await Assert.ThrowsAsync<SipTransportException>(async () => await client.SendAsync(TestMessages.Options("x", "TCP"), closed, cts.Token));
        Assert.Equal(0, client.ConnectionCount);

        await using SipStreamTransport server = StreamTestKit.Create(false, false, new Inbox().Handler);
        await server.StartAsync(cts.Token);
        await client.PingAsync(server.LocalEndPoint, cts.Token);
        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task Plain_text_sent_to_a_tls_listener_fails_the_handshake_and_other_connections_go_on()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var inbox = new Inbox();
        await using SipStreamTransport server = StreamTestKit.Create(true, false, inbox.Handler);
        await server.StartAsync(cts.Token);
        await using RawClient good = await StreamTestKit.ConnectRawAsync(true, server.LocalEndPoint, cts.Token);
        await using RawClient plain = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);

        await plain.WriteAsync(TestMessages.OptionsText("plain", "TCP"), cts.Token);
        Assert.True(await plain.WaitForCloseAsync(cts.Token));
        Assert.Equal(1, server.Statistics.TlsHandshakeFailures);

        await good.WriteAsync(TestMessages.OptionsText("tls-ok", "TLS"), cts.Token);
        Assert.Equal("tls-ok", (await inbox.NextAsync(cts.Token)).Message.CallId);

        // The peer sees the close just before the server unregisters the connection.
        await Inbox.WaitUntilAsync(() => server.ConnectionCount == 1, cts.Token);
    }

    [Fact]
    public async Task A_message_trickled_slower_than_the_incomplete_message_timeout_closes_the_connection()
    {
        using CancellationTokenSource cts = Inbox.Timeout();
        var time = new FakeTimeProvider();
        var options = new SipTransportOptions { IncompleteMessageTimeout = TimeSpan.FromSeconds(10), TimeProvider = time };
        await using SipStreamTransport server = StreamTestKit.Create(false, false, new Inbox().Handler, options);
        await server.StartAsync(cts.Token);
        await using RawClient raw = await StreamTestKit.ConnectRawAsync(false, server.LocalEndPoint, cts.Token);

        // The ping's pong proves the server read the bytes before it, so the partial message is registered.
        await raw.WriteAsync("\r\n\r\n", cts.Token);
        Assert.Equal("\r\n", await raw.ReadSomeAsync(cts.Token));
        await raw.WriteAsync("OPTIONS sip:a@b SIP/2.0\r\n", cts.Token);
        for (int i = 0; i < 50 && server.ConnectionCount == 1; i++)
        {
            await raw.WriteAsync("X-Slow: a\r\n", cts.Token);
            time.Advance(TimeSpan.FromSeconds(3));
            await Task.Delay(5, cts.Token);
        }

        Assert.True(await raw.WaitForCloseAsync(cts.Token));
        Assert.Equal(1, server.Statistics.ConnectionsClosedForErrors);
        Assert.Equal(0, server.Statistics.IdleConnectionsClosed);
    }
}
