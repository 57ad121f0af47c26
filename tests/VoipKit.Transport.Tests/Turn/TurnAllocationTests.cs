using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>An allocation's refresh schedules in virtual time, and its data paths (Send/Data indications, ChannelData).</summary>
public sealed class TurnAllocationTests : IAsyncDisposable
{
    private static readonly TimeSpan RealTimeLimit = TurnClientTests.RealTimeLimit;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTurnServer _server;
    private readonly DateTimeOffset _start;
    private readonly List<(StunEndPoint Peer, byte[] Data)> _delivered = [];
    private TurnClient _client;
    private TurnAllocation? _allocation;
    private long _refreshes;

    public TurnAllocationTests()
    {
        _server = new FakeTurnServer(_time);
        _client = NewClient(null);
        _start = _time.GetUtcNow();
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [InlineData(600u, 540, 1080)] // lifetime − 60 s
    [InlineData(100u, 50, 100)] // short lifetimes: half of it
    [InlineData(1u, 1, 2)] // but never sooner than 1 s
    internal async Task Allocation_is_refreshed_at_lifetime_minus_60_s_or_half_the_lifetime(uint lifetime, int first, int second)
    {
        _server.GrantedLifetime = lifetime;
        TurnAllocation allocation = await AllocateAsync();
        await AssertNextAtAsync(TurnConstants.Refresh, first);
        await AssertNextAtAsync(TurnConstants.Refresh, second);
        Assert.True(allocation.IsActive);
        Assert.Equal(TimeSpan.FromSeconds(lifetime), allocation.Lifetime);
    }

    [Fact]
    public async Task Refresh_asks_for_the_requested_lifetime_and_follows_what_the_server_grants()
    {
        await _client.DisposeAsync();
        _client = NewClient(TimeSpan.FromSeconds(1200));
        _server.GrantedLifetime = 300;
        TurnAllocation allocation = await AllocateAsync();
        FakeTurnServer.Received refresh = await AssertNextAtAsync(TurnConstants.Refresh, 240);
        Assert.Equal(1200u, refresh.Lifetime);
        Assert.Equal(TimeSpan.FromSeconds(300), allocation.Lifetime);
    }

    [Fact]
    public async Task Permissions_every_4_min_and_channels_every_9_min_exactly()
    {
        _server.GrantedLifetime = 3600;
        TurnAllocation allocation = await AllocateAsync();
        await allocation.CreatePermissionAsync(TurnClientTests.Peer(1)).WaitAsync(RealTimeLimit);
        Assert.Equal(TurnConstants.CreatePermission, (await _server.NextAsync()).Method);
        _time.Advance(TimeSpan.FromSeconds(60));
        ushort channel = await allocation.BindChannelAsync(TurnClientTests.Peer(2)).WaitAsync(RealTimeLimit);
        Assert.Equal(0x4000, channel);
        FakeTurnServer.Received bind = await _server.NextAsync();
        Assert.Equal(TurnConstants.ChannelBind, bind.Method);
        Assert.Equal(0x4000, bind.Channel);
        Assert.Equal(TurnClientTests.Peer(2), bind.Peer);

        // Peer 1's permission at 240, 480, 720 s; peer 2's (installed by ChannelBind at 60 s) at 300, 540, 780 s; its channel at 600 s.
        var expected = new (int At, ushort Method, int Peer)[]
        {
            (240, TurnConstants.CreatePermission, 1), (300, TurnConstants.CreatePermission, 2), (480, TurnConstants.CreatePermission, 1),
            (540, TurnConstants.CreatePermission, 2), (600, TurnConstants.ChannelBind, 2), (720, TurnConstants.CreatePermission, 1),
            (780, TurnConstants.CreatePermission, 2),
        };
        foreach ((int at, ushort method, int peer) in expected)
        {
            FakeTurnServer.Received r = await AssertNextAtAsync(method, at);
            Assert.Equal(AddressOnly(TurnClientTests.Peer(peer), method), r.Peer);
        }

        Assert.Equal(0x4000, allocation.GetChannel(TurnClientTests.Peer(2)));
        Assert.Equal(0, allocation.Counters.RefreshFailures);
    }

    [Fact]
    public async Task A_refresh_answered_437_fails_the_allocation_once()
    {
        TurnAllocation allocation = await AllocateAsync();
        var failures = new List<Exception>();
        allocation.Failed += (_, e) => failures.Add(e);
        _server.NextError[TurnConstants.Refresh] = 437;
        await AssertNextAtAsync(TurnConstants.Refresh, 540);
        await WaitUntilAsync(() => !allocation.IsActive);
        TurnErrorException e = Assert.IsType<TurnErrorException>(Assert.Single(failures));
        Assert.Equal(TurnErrorKind.AllocationMismatch, e.Kind);
        Assert.Equal(1, allocation.Counters.RefreshFailures);

        // No more refreshes, and a failed allocation is not deleted on dispose.
        _time.Advance(TimeSpan.FromMinutes(20));
        await allocation.DisposeAsync();
        Assert.False(_server.TryNext(out _));
    }

    [Fact]
    public async Task A_refresh_answered_438_with_a_500_byte_nonce_is_retried_and_refreshes_go_on()
    {
        TurnAllocation allocation = await AllocateAsync();
        _server.NonceLength = 500;
        _server.StaleNonceNext = true;
        await AssertNextAtAsync(TurnConstants.Refresh, 540, answered: false); // 438 with the long nonce
        FakeTurnServer.Received retried = await AssertNextAtAsync(TurnConstants.Refresh, 540);
        StunMessage.TryParse(retried.Data, out StunMessage m);
        Assert.True(m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce));
        Assert.Equal(500, nonce.Length);
        Assert.True(allocation.IsActive);
        Assert.Equal(0, allocation.Counters.RefreshFailures);
        await AssertNextAtAsync(TurnConstants.Refresh, 1080);
        Assert.True(allocation.IsActive);
    }

    [Fact]
    public async Task A_throwing_Failed_handler_neither_stops_dispose_nor_blocks_a_new_allocation()
    {
        TurnAllocation allocation = await AllocateAsync();
        int calls = 0;
        allocation.Failed += (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("application bug");
        };
        _server.NextError[TurnConstants.Refresh] = 437;
        await AssertNextAtAsync(TurnConstants.Refresh, 540);
        await WaitUntilAsync(() => !allocation.IsActive);
        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal(1, allocation.Counters.HandlerFailures);

        await allocation.DisposeAsync().AsTask().WaitAsync(RealTimeLimit);
        Assert.Null(_client.Allocation);
        TurnAllocation second = await _client.AllocateAsync().WaitAsync(RealTimeLimit); // signed at once: the key is kept
        Assert.Equal(TurnConstants.Allocate, (await _server.NextAsync()).Method);
        Assert.True(second.IsActive);
        Assert.Same(second, _client.Allocation);
    }

    [Fact]
    public async Task A_refresh_that_times_out_is_retried_before_expiry()
    {
        await _client.DisposeAsync();
        _client = new TurnClient(
            _server.Transport,
            Options(null) with { Transactions = new StunClientOptions { MaxSends = 1, LastWaitMultiplier = 2 } },
            _time);
        TurnAllocation allocation = await AllocateAsync();
        _server.DropRequests = 1;
        await AssertNextAtAsync(TurnConstants.Refresh, 540, answered: false); // dropped, times out after 1 s
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitRefreshesAsync(++_refreshes);
        await AssertNextAtAsync(TurnConstants.Refresh, 546); // retried 5 s later
        Assert.True(allocation.IsActive);
        Assert.Equal(1, allocation.Counters.RefreshFailures);
        await AssertNextAtAsync(TurnConstants.Refresh, 546 + 540);
    }

    [Fact]
    public async Task A_channel_refused_on_refresh_is_forgotten_and_data_falls_back_to_send_indications()
    {
        _server.GrantedLifetime = 3600;
        TurnAllocation allocation = await AllocateAsync();
        StunEndPoint peer = TurnClientTests.Peer(4);
        await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit);
        await _server.NextAsync();
        await AssertNextAtAsync(TurnConstants.CreatePermission, 240);
        await AssertNextAtAsync(TurnConstants.CreatePermission, 480);
        _server.NextError[TurnConstants.ChannelBind] = 403;
        await AssertNextAtAsync(TurnConstants.ChannelBind, 540);
        Assert.Equal(0, allocation.GetChannel(peer));
        Assert.True(allocation.IsActive);
        Assert.True(await allocation.SendAsync(peer, new byte[] { 1 }));
        Assert.Equal(TurnConstants.Send, (await _server.NextAsync()).Method);

        // Binding again takes the same number (section 12.2: no other number for this peer for a while).
        Assert.Equal(0x4000, await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit));
        Assert.Equal(0x4000, (await _server.NextAsync()).Channel);
        Assert.Equal(0x4000, allocation.GetChannel(peer));
    }

    [Fact]
    public async Task A_channel_bind_whose_response_was_lost_is_retried_with_the_same_number()
    {
        await _client.DisposeAsync();
        _client = new TurnClient(
            _server.Transport,
            Options(null) with { Transactions = new StunClientOptions { MaxSends = 1, LastWaitMultiplier = 2 } },
            _time);
        TurnAllocation allocation = await AllocateAsync();
        StunEndPoint peer = TurnClientTests.Peer(5);
        _server.DropResponses = 1;
        Task<ushort> lost = allocation.BindChannelAsync(peer);
        FakeTurnServer.Received first = await _server.NextAsync(); // bound on the server, the answer lost
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => lost.WaitAsync(RealTimeLimit));
        Assert.Equal(0, allocation.GetChannel(peer));

        ushort channel = await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit);
        FakeTurnServer.Received retried = await _server.NextAsync();
        Assert.Equal(first.Channel, retried.Channel);
        Assert.Equal(0x4000, channel);
        Assert.Equal(channel, allocation.GetChannel(peer));

        // No number was burned: the next peer gets the next one.
        Assert.Equal(0x4001, await allocation.BindChannelAsync(TurnClientTests.Peer(6)).WaitAsync(RealTimeLimit));
    }

    [Fact]
    public async Task Concurrent_binds_to_one_peer_share_the_number_and_wait_for_the_answer()
    {
        TurnAllocation allocation = await AllocateAsync();
        StunEndPoint peer = TurnClientTests.Peer(8);
        _server.NextError[TurnConstants.ChannelBind] = 500; // the first attempt fails
        Task<ushort> a = allocation.BindChannelAsync(peer);
        Task<ushort> b = allocation.BindChannelAsync(peer);
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => a.WaitAsync(RealTimeLimit));
        Assert.Equal(500, e.Code);

        // The second caller does not return a number the server never confirmed: it binds it itself.
        Assert.Equal(0x4000, await b.WaitAsync(RealTimeLimit));
        Assert.Equal(0x4000, allocation.GetChannel(peer));
        Assert.Equal([0x4000, 0x4000], new[] { (await _server.NextAsync()).Channel, (await _server.NextAsync()).Channel });
        Assert.Equal(0x4001, await allocation.BindChannelAsync(TurnClientTests.Peer(9)).WaitAsync(RealTimeLimit));
    }

    [Fact]
    public async Task A_socket_owner_can_hand_datagrams_in_without_a_receive_loop()
    {
        await _client.DisposeAsync();
        var options = Options(null) with { RunReceiveLoop = false };
        var client = new TurnClient(_server.Transport, options, _time);
        _client = client;

        // Nobody reads the transport: answers only arrive when handed in.
        Task<TurnAllocation> allocate = client.AllocateAsync();
        await _server.NextAsync();
        (byte[] challenge, EndPoint from) = await _server.Transport.TakeInjectedAsync();
        Assert.True(client.TryHandleDatagram(challenge, from));
        await _server.NextAsync();
        (byte[] success, from) = await _server.Transport.TakeInjectedAsync();
        Assert.False(client.TryHandleDatagram(success, IPEndPoint.Parse("198.51.100.66:3478"))); // not the server
        Assert.True(client.TryHandleDatagram(success, from));
        TurnAllocation allocation = await allocate.WaitAsync(RealTimeLimit);
        Assert.Equal(FakeTurnServer.Relayed, allocation.RelayedAddress);
        Assert.Equal(1, client.Counters.DroppedWrongSource);
    }

    [Fact]
    public async Task Send_indications_until_the_channel_is_bound_then_channel_data()
    {
        TurnAllocation allocation = await AllocateAsync();
        StunEndPoint peer = TurnClientTests.Peer(7, 6000);
        await allocation.CreatePermissionAsync(peer).WaitAsync(RealTimeLimit);
        await _server.NextAsync();

        Assert.True(await allocation.SendAsync(peer, "hello"u8.ToArray()));
        FakeTurnServer.Received indication = await _server.NextAsync();
        Assert.Equal(TurnConstants.Send, indication.Method);
        Assert.Equal(StunClass.Indication, indication.Class);
        Assert.Equal(peer, indication.Peer);
        Assert.Equal("hello"u8.ToArray(), indication.Payload);

        ushort channel = await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit);
        await _server.NextAsync();
        Assert.True(await allocation.SendAsync(peer, new byte[] { 1, 2, 3, 4, 5 }));
        FakeTurnServer.Received data = await _server.NextAsync();
        Assert.Equal([0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5], data.Data); // 4-byte header, no padding over UDP
        Assert.Equal(channel, data.Channel);
        Assert.Equal(1, allocation.Counters.SendIndicationsSent);
        Assert.Equal(1, allocation.Counters.ChannelDataSent);
    }

    [Fact]
    public async Task Inbound_data_indications_and_channel_data_reach_the_handler_and_bad_ones_are_counted()
    {
        TurnAllocation allocation = await AllocateAsync();
        allocation.DataReceived = (in StunEndPoint peer, ReadOnlySpan<byte> data) =>
        {
            lock (_delivered)
            {
                _delivered.Add((peer, data.ToArray()));
            }
        };
        StunEndPoint peer = TurnClientTests.Peer(7, 6000);
        await allocation.CreatePermissionAsync(peer).WaitAsync(RealTimeLimit);
        _server.InjectDataIndication(peer, [9, 8, 7]);
        ushort channel = await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit);
        _server.InjectChannelData(channel, [6, 5]);

        _server.InjectChannelData(0x4ABC, [1]); // not ours
        _server.InjectDataIndication(TurnClientTests.Peer(99), [1]); // no permission
        _server.InjectChannelData(channel, [1], IPEndPoint.Parse("198.51.100.66:3478")); // not the server
        _server.Transport.Inject([0x40, 0x00, 0x00, 0x09, 1], FakeTurnServer.EndPoint); // length beyond the datagram

        await WaitUntilAsync(() => allocation.Counters.DroppedMalformed == 1);
        lock (_delivered)
        {
            Assert.Equal(2, _delivered.Count);
            Assert.Equal(peer, _delivered[0].Peer);
            Assert.Equal([9, 8, 7], _delivered[0].Data);
            Assert.Equal(peer, _delivered[1].Peer);
            Assert.Equal([6, 5], _delivered[1].Data);
        }

        TurnCounters c = allocation.Counters;
        Assert.Equal((1, 1, 1, 1, 1), (c.DataIndicationsReceived, c.ChannelDataReceived, c.DroppedUnknownChannel, c.DroppedNoPermission, c.DroppedWrongSource));
    }

    [Fact]
    public async Task A_data_handler_that_throws_once_stops_neither_data_nor_refreshes()
    {
        TurnAllocation allocation = await AllocateAsync();
        int calls = 0;
        allocation.DataReceived = (in StunEndPoint peer, ReadOnlySpan<byte> data) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("application bug");
            }

            lock (_delivered)
            {
                _delivered.Add((peer, data.ToArray()));
            }
        };
        StunEndPoint peer = TurnClientTests.Peer(7, 6000);
        await allocation.CreatePermissionAsync(peer).WaitAsync(RealTimeLimit);
        await _server.NextAsync();
        _server.InjectDataIndication(peer, [1]);
        _server.InjectDataIndication(peer, [2]);
        ushort channel = await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit); // its response is read by the same loop
        await _server.NextAsync();
        _server.InjectChannelData(channel, [3]);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 3);
        lock (_delivered)
        {
            Assert.Equal([[2], [3]], _delivered.Select(d => d.Data));
        }

        Assert.Equal(1, allocation.Counters.HandlerFailures);

        // The STUN responses still reach their transactions: permission refreshes and the allocation refresh succeed.
        await AssertNextAtAsync(TurnConstants.CreatePermission, 240);
        await AssertNextAtAsync(TurnConstants.CreatePermission, 480);
        await AssertNextAtAsync(TurnConstants.Refresh, 540);
        Assert.True(allocation.IsActive);
        Assert.Equal(0, allocation.Counters.RefreshFailures);
    }

    [Fact]
    public async Task Steady_state_send_and_receive_allocate_nothing()
    {
        TurnAllocation allocation = await AllocateAsync();
        StunEndPoint peer = TurnClientTests.Peer(7, 6000);
        ushort channel = await allocation.BindChannelAsync(peer).WaitAsync(RealTimeLimit);
        long received = 0;
        allocation.DataReceived = (in StunEndPoint p, ReadOnlySpan<byte> data) => received += data.Length;

        // Framing (the socket owner's path) and inbound demultiplexing, measured on this thread.
        byte[] payload = new byte[160];
        byte[] frame = new byte[256];
        byte[] inbound = new byte[164];
        ChannelData.TryWrite(inbound, channel, payload, out _);
        for (int i = 0; i < 100; i++)
        {
            allocation.TryFrame(peer, payload, frame, out _, out _);
            _client.TryHandleDatagram(inbound, FakeTurnServer.EndPoint);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            allocation.TryFrame(peer, payload, frame, out int written, out bool viaChannel);
            Assert.True(viaChannel && written == 164);
            _client.TryHandleDatagram(inbound, FakeTurnServer.EndPoint);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1100 * 160, received);
    }

    private async Task WaitRefreshesAsync(long count) => await WaitUntilAsync(() => _allocation!.RefreshesCompleted >= count);

    private static StunEndPoint AddressOnly(StunEndPoint peer, ushort method) =>
        method == TurnConstants.ChannelBind ? peer : StunEndPoint.Create(peer.ToIPEndPoint().Address.GetAddressBytes(), 0);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RealTimeLimit);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private async Task<TurnAllocation> AllocateAsync()
    {
        TurnAllocation allocation = await _client.AllocateAsync().WaitAsync(RealTimeLimit);
        await _server.NextAsync();
        await _server.NextAsync();
        _allocation = allocation;
        return allocation;
    }

    // Advances virtual time to the expected second (never past it) and checks the next request is there, then.
    // Then waits for the worker to finish the refresh (unless the request was dropped), so that the next advance
    // cannot overtake it.
    private async Task<FakeTurnServer.Received> AssertNextAtAsync(ushort method, int atSeconds, bool answered = true)
    {
        DateTimeOffset due = _start + TimeSpan.FromSeconds(atSeconds);
        if (_time.GetUtcNow() < due - TimeSpan.FromSeconds(1))
        {
            _time.Advance(due - TimeSpan.FromSeconds(1) - _time.GetUtcNow());
            await Task.Delay(20);
            Assert.False(_server.TryNext(out FakeTurnServer.Received? early), $"early: {early}");
        }

        if (_time.GetUtcNow() < due)
        {
            _time.Advance(due - _time.GetUtcNow());
        }

        FakeTurnServer.Received r = await _server.NextAsync();
        Assert.Equal(method, r.Method);
        Assert.Equal(TimeSpan.FromSeconds(atSeconds), r.At - _start);
        if (answered)
        {
            await WaitRefreshesAsync(++_refreshes);
        }

        return r;
    }

    private TurnClient NewClient(TimeSpan? lifetime) => new(_server.Transport, Options(lifetime), _time);

    private static TurnClientOptions Options(TimeSpan? lifetime) => new()
    {
        Server = FakeTurnServer.EndPoint,
        Username = FakeTurnServer.Username,
        Password = FakeTurnServer.Password,
        RequestedLifetime = lifetime,
    };
}
