using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>The relay transport over an allocation on <see cref="FakeTurnServer"/>, in virtual time: permissions, channels, the receive queue.</summary>
public sealed class TurnRelayTransportTests : IAsyncDisposable
{
    private static readonly TimeSpan RealTimeLimit = TurnClientTests.RealTimeLimit;
    private static readonly StunEndPoint PeerA = TurnClientTests.Peer(1);
    private static readonly StunEndPoint PeerB = TurnClientTests.Peer(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTurnServer _server;
    private readonly OwnedTestTransport _socket;
    private TurnRelayTransport? _relay;

    public TurnRelayTransportTests()
    {
        _server = new FakeTurnServer(_time);
        _socket = new OwnedTestTransport(_server.Transport);
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }

    [Fact]
    public async Task Concurrent_sends_to_one_peer_ip_share_one_CreatePermission_and_all_go_out_after_it()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        _server.DropResponses = 1; // the permission stays pending until the request is retransmitted at 500 ms
        byte[][] payloads = [.. Enumerable.Range(0, 20).Select(i => Enumerable.Repeat((byte)i, 100 + i).ToArray())];
        IPEndPoint port5000 = PeerA.ToIPEndPoint();
        var port6000 = new IPEndPoint(port5000.Address, 6000);
        Task[] sends = [.. payloads.Select((p, i) => relay.SendAsync(p, i % 2 == 0 ? port5000 : port6000, default).AsTask())];

        FakeTurnServer.Received first = await _server.NextAsync();
        Assert.Equal(TurnConstants.CreatePermission, first.Method);
        await Task.Delay(50);
        Assert.DoesNotContain(sends, s => s.IsCompleted);
        Assert.False(_server.TryNext(out _)); // no second CreatePermission, no data before the permission

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Task.WhenAll(sends).WaitAsync(RealTimeLimit);
        FakeTurnServer.Received retransmitted = await _server.NextAsync();
        Assert.Equal(TurnConstants.CreatePermission, retransmitted.Method);
        Assert.Equal(first.Data.AsSpan(8, 12).ToArray(), retransmitted.Data.AsSpan(8, 12).ToArray()); // the same transaction
        List<FakeTurnServer.Received> indications = Drain();
        Assert.All(indications, r => Assert.Equal(TurnConstants.Send, r.Method));
        Assert.Equal(payloads.Select(p => Convert.ToHexString(p)).Order(), indications.Select(r => Convert.ToHexString(r.Payload!)).Order());
        Assert.Equal(10, indications.Count(r => r.Peer == PeerA));
        Assert.Equal(10, indications.Count(r => r.Peer!.Value.Port == 6000));
        Assert.Equal((1, 0), (relay.Counters.PermissionRequests, relay.Counters.PermissionFailures));
        Assert.Equal((20, payloads.Sum(p => (long)p.Length)), (relay.Counters.PacketsSent, relay.Counters.BytesSent));
    }

    [Fact]
    public async Task Data_from_a_peer_is_received_with_the_peer_as_sender_and_the_relayed_address_as_local_end_point()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        Assert.Equal(FakeTurnServer.Relayed.ToIPEndPoint(), relay.LocalEndPoint);
        Assert.Equal(_server.Transport.LocalEndPoint, relay.MappedEndPoint);
        Assert.Equal(FakeTurnServer.EndPoint, relay.Server);
        await relay.SendAsync("hello"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);

        _server.InjectDataIndication(PeerA, "answer"u8.ToArray());
        byte[] buffer = new byte[2048];
        DatagramReceiveResult received = await relay.ReceiveAsync(buffer, default).AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal("answer"u8.ToArray(), buffer[..received.Length]);
        Assert.Equal(PeerA.ToIPEndPoint(), received.Remote);

        // Another port of the permitted IP is delivered too, with its own port as the sender.
        var otherPort = StunEndPoint.Create([203, 0, 113, 1], 7000);
        _server.InjectDataIndication(otherPort, "other port"u8.ToArray());
        received = await relay.ReceiveAsync(buffer, default).AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal("other port"u8.ToArray(), buffer[..received.Length]);
        Assert.Equal(otherPort.ToIPEndPoint(), received.Remote);
        Assert.Equal((2, 16), (relay.Counters.PacketsReceived, relay.Counters.BytesReceived));
    }

    [Fact]
    public async Task A_peer_gets_a_channel_once_it_answered_and_data_to_it_then_goes_in_ChannelData()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        await relay.SendAsync("check"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        await relay.SendAsync("check"u8.ToArray(), PeerB.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        Drain();

        _server.InjectDataIndication(PeerA, "response"u8.ToArray());
        await relay.ReceiveAsync(new byte[2048], default).AsTask().WaitAsync(RealTimeLimit);
        FakeTurnServer.Received bind = await _server.NextAsync();
        Assert.Equal(TurnConstants.ChannelBind, bind.Method);
        Assert.Equal(PeerA, bind.Peer);
        await WaitUntilAsync(() => relay.Counters.ChannelsBound == 1);

        await relay.SendAsync("media"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        await relay.SendAsync("check"u8.ToArray(), PeerB.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        List<FakeTurnServer.Received> sent = Drain();
        Assert.Equal(2, sent.Count);
        Assert.Equal((0x4000, "media"), (sent[0].Channel, System.Text.Encoding.ASCII.GetString(sent[0].Payload!)));
        Assert.Equal(4 + 5, sent[0].Data.Length); // the 4-byte ChannelData header, no padding over UDP
        Assert.Equal((TurnConstants.Send, PeerB), (sent[1].Method, sent[1].Peer!.Value)); // PeerB never answered: no channel

        _server.InjectChannelData(0x4000, "over the channel"u8.ToArray());
        byte[] buffer = new byte[2048];
        DatagramReceiveResult received = await relay.ReceiveAsync(buffer, default).AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal("over the channel"u8.ToArray(), buffer[..received.Length]);
        Assert.Equal(PeerA.ToIPEndPoint(), received.Remote);
        Assert.Equal(1, relay.Allocation.Counters.ChannelDataSent);
    }

    [Fact]
    public async Task A_full_receive_queue_keeps_the_newest_datagrams_and_counts_the_dropped_oldest()
    {
        TurnRelayTransport relay = await NewRelayAsync(new TurnRelayTransportOptions { ReceiveQueueCapacity = 4 });
        await relay.SendAsync("open"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        for (int i = 0; i < 10; i++)
        {
            _server.InjectDataIndication(PeerA, [(byte)i, 0x55]);
        }

        await WaitUntilAsync(() => relay.Counters.PacketsReceived == 10);
        byte[] buffer = new byte[2048];
        for (int i = 6; i < 10; i++)
        {
            DatagramReceiveResult received = await relay.ReceiveAsync(buffer, default).AsTask().WaitAsync(RealTimeLimit);
            Assert.Equal(new byte[] { (byte)i, 0x55 }, buffer[..received.Length]);
        }

        Assert.Equal(6, relay.Counters.DroppedQueueFull);
        ValueTask<DatagramReceiveResult> next = relay.ReceiveAsync(buffer, default);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        _server.InjectDataIndication(PeerA, [42]);
        Assert.Equal(1, (await next.AsTask().WaitAsync(RealTimeLimit)).Length);
    }

    [Fact]
    public async Task A_datagram_longer_than_the_limit_is_dropped_and_one_longer_than_the_buffer_is_cut_to_fit()
    {
        TurnRelayTransport relay = await NewRelayAsync(new TurnRelayTransportOptions { MaxDatagramLength = 100 });
        await relay.SendAsync("open"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        _server.InjectDataIndication(PeerA, new byte[101]);
        _server.InjectDataIndication(PeerA, [.. Enumerable.Range(0, 100).Select(i => (byte)i)]);
        byte[] small = new byte[10];
        DatagramReceiveResult received = await relay.ReceiveAsync(small, default).AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal(10, received.Length);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), small);
        Assert.Equal((1, 1), (relay.Counters.DroppedTooLarge, relay.Counters.Truncated));
    }

    [Fact]
    public async Task A_refused_permission_drops_the_waiting_sends_and_the_next_send_asks_again()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        _server.NextError[TurnConstants.CreatePermission] = 403;
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => relay.SendAsync("x"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask())).WaitAsync(RealTimeLimit);
        List<FakeTurnServer.Received> refused = Drain();
        Assert.Equal(TurnConstants.CreatePermission, Assert.Single(refused).Method);
        Assert.Equal((3, 0, 1), (relay.Counters.DroppedNoPermission, relay.Counters.PacketsSent, relay.Counters.PermissionFailures));

        await relay.SendAsync("y"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        List<FakeTurnServer.Received> retried = Drain();
        Assert.Equal([TurnConstants.CreatePermission, TurnConstants.Send], retried.Select(r => r.Method));
        Assert.Equal((2, 1), (relay.Counters.PermissionRequests, relay.Counters.PacketsSent));
    }

    [Fact]
    public async Task A_send_to_another_address_family_than_the_relayed_address_is_dropped_and_counted()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        await relay.SendAsync("x"u8.ToArray(), IPEndPoint.Parse("[2001:db8::1]:5000"), default).AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal(1, relay.Counters.DroppedOutbound);
        Assert.False(_server.TryNext(out _));
    }

    [Fact]
    public async Task Steady_state_receive_path_from_a_known_peer_allocates_nothing()
    {
        // The async methods are measured in Release by TurnRelayTransportBenchmarks (Debug builds make their state machines classes).
        TurnRelayTransport relay = await NewRelayAsync();
        await relay.SendAsync("check"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        (int wrong, long allocated) = DeliverAndTake(relay, PeerA.ToIPEndPoint(), warmUp: 200, measured: 1000);
        Assert.Equal(0, wrong);
        Assert.Equal(0, allocated);
        Assert.Equal(1200, relay.Counters.PacketsReceived);
    }

    [Fact]
    public async Task Dispose_deletes_the_allocation_ends_a_pending_receive_and_closes_the_socket()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        ValueTask<DatagramReceiveResult> pending = relay.ReceiveAsync(new byte[2048], default);
        await relay.DisposeAsync().AsTask().WaitAsync(RealTimeLimit);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.AsTask().WaitAsync(RealTimeLimit));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => relay.ReceiveAsync(new byte[2048], default).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => relay.SendAsync(new byte[1], PeerA.ToIPEndPoint(), default).AsTask());
        FakeTurnServer.Received delete = await _server.NextAsync();
        Assert.Equal((TurnConstants.Refresh, 0u), (delete.Method, delete.Lifetime));
        Assert.False(_server.Allocated);
        Assert.True(_socket.Disposed);
        Assert.False(relay.IsActive);
    }

    [Fact]
    public async Task A_receive_is_cancelled_by_its_token_and_the_next_one_still_gets_data()
    {
        TurnRelayTransport relay = await NewRelayAsync();
        await relay.SendAsync("open"u8.ToArray(), PeerA.ToIPEndPoint(), default).AsTask().WaitAsync(RealTimeLimit);
        using var cts = new CancellationTokenSource();
        ValueTask<DatagramReceiveResult> pending = relay.ReceiveAsync(new byte[2048], cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.AsTask().WaitAsync(RealTimeLimit));

        _server.InjectDataIndication(PeerA, [7]);
        Assert.Equal(1, (await relay.ReceiveAsync(new byte[2048], default).AsTask().WaitAsync(RealTimeLimit)).Length);
    }

    // Each round: a datagram from the peer (as the allocation hands it over) and a non-blocking receive.
    private static (int Wrong, long Allocated) DeliverAndTake(TurnRelayTransport relay, IPEndPoint peer, int warmUp, int measured)
    {
        byte[] packet = new byte[172];
        byte[] buffer = new byte[2048];
        int wrong = 0;
        long before = 0;
        for (int i = 0; i < warmUp + measured; i++)
        {
            if (i == warmUp)
            {
                before = GC.GetAllocatedBytesForCurrentThread(); // after the queue's slots and the pool are warm
            }

            relay.OnPeerData(PeerA, packet);
            wrong += relay.TryReceive(buffer, out DatagramReceiveResult r) && r.Length == 172 && r.Remote.Equals(peer) ? 0 : 1;
        }

        return (wrong, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private async Task<TurnRelayTransport> NewRelayAsync(TurnRelayTransportOptions? options = null)
    {
        var client = new TurnClient(_socket, new TurnServerCredentials(FakeTurnServer.EndPoint, FakeTurnServer.Username, FakeTurnServer.Password).ToClientOptions(), _time);
        TurnAllocation allocation = await client.AllocateAsync().WaitAsync(RealTimeLimit);
        Drain();
        _relay = new TurnRelayTransport(client, allocation, _socket, options, _time);
        return _relay;
    }

    private List<FakeTurnServer.Received> Drain()
    {
        var all = new List<FakeTurnServer.Received>();
        while (_server.TryNext(out FakeTurnServer.Received? r))
        {
            all.Add(r!);
        }

        return all;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RealTimeLimit);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
