using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>The TURN client in virtual time against <see cref="FakeTurnServer"/>: authentication, errors, redirection, deletion.</summary>
public sealed class TurnClientTests : IAsyncDisposable
{
    internal static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTurnServer _server;
    private readonly DateTimeOffset _start;
    private TurnClient _client;

    public TurnClientTests()
    {
        _server = new FakeTurnServer(_time);
        _client = NewClient(FakeTurnServer.Password);
        _start = _time.GetUtcNow();
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Allocate_answers_401_with_long_term_credentials_and_returns_the_addresses_and_lifetime()
    {
        TurnAllocation allocation = await _client.AllocateAsync().WaitAsync(RealTimeLimit);

        FakeTurnServer.Received first = await _server.NextAsync();
        Assert.Equal(TurnConstants.Allocate, first.Method);
        Assert.False(first.Signed);
        AssertRequestedTransportUdp(first.Data);
        FakeTurnServer.Received second = await _server.NextAsync();
        Assert.True(second.Signed);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(second.Data, out StunMessage m));
        Assert.True(m.TryGetAttribute(StunAttributeType.Username, out ReadOnlySpan<byte> user) && user.SequenceEqual("alice"u8));
        Assert.True(m.TryGetAttribute(StunAttributeType.Realm, out ReadOnlySpan<byte> realm) && realm.SequenceEqual("example.org"u8));
        Assert.True(m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce) && nonce.SequenceEqual("nonce-1"u8));
        Assert.True(StunIntegrity.VerifyMessageIntegrity(m, StunIntegrity.LongTermKey("alice", "example.org", FakeTurnServer.Password)));
        AssertRequestedTransportUdp(second.Data);

        Assert.Equal(FakeTurnServer.Relayed, allocation.RelayedAddress);
        Assert.Equal(_server.Transport.LocalEndPoint, allocation.MappedAddress.ToIPEndPoint());
        Assert.Equal(TimeSpan.FromSeconds(600), allocation.Lifetime);
        Assert.True(allocation.IsActive);
        Assert.Same(allocation, _client.Allocation);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.AllocateAsync());
    }

    [Fact]
    public async Task Wrong_password_is_a_typed_unauthorized_error_after_one_retry()
    {
        await _client.DisposeAsync();
        _client = NewClient("not-the-password");
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => _client.AllocateAsync().WaitAsync(RealTimeLimit));
        Assert.Equal(TurnErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.Code);
        Assert.False((await _server.NextAsync()).Signed);
        Assert.True((await _server.NextAsync()).Signed);
        Assert.False(_server.TryNext(out _));
        Assert.Null(_client.Allocation);
    }

    [Fact]
    public async Task Stale_nonce_438_is_retried_with_the_new_nonce()
    {
        TurnAllocation allocation = await AllocateAndDrainAsync();
        _server.StaleNonceNext = true;
        await allocation.CreatePermissionAsync(Peer(1)).WaitAsync(RealTimeLimit);
        FakeTurnServer.Received stale = await _server.NextAsync();
        FakeTurnServer.Received retried = await _server.NextAsync();
        Assert.Equal(TurnConstants.CreatePermission, retried.Method);
        Assert.NotEqual(stale.Data.AsSpan(8, 12).ToArray(), retried.Data.AsSpan(8, 12).ToArray());
        StunMessage.TryParse(retried.Data, out StunMessage m);
        Assert.True(m.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce) && nonce.SequenceEqual("nonce-2"u8));
        Assert.True(allocation.HasPermission(Peer(1)));
    }

    [Fact]
    public async Task Realm_and_nonce_of_the_rfc_maximum_763_bytes_fit_in_the_requests()
    {
        await _client.DisposeAsync();
        var server = new FakeTurnServer(_time, new string('r', 763)) { NonceLength = 763 };
        _client = new TurnClient(
            server.Transport,
            new TurnClientOptions { Server = FakeTurnServer.EndPoint, Username = FakeTurnServer.Username, Password = FakeTurnServer.Password },
            _time);
        TurnAllocation allocation = await _client.AllocateAsync().WaitAsync(RealTimeLimit);
        await server.NextAsync();
        FakeTurnServer.Received signed = await server.NextAsync();
        Assert.True(signed.Signed);
        Assert.True(signed.Data.Length > 1536);

        // And after a 438 bringing a new 763-byte nonce.
        server.StaleNonceNext = true;
        await allocation.CreatePermissionAsync(Peer(1)).WaitAsync(RealTimeLimit);
        Assert.True(allocation.HasPermission(Peer(1)));
    }

    [Fact]
    public async Task Alternate_server_300_is_followed_once_with_fresh_credentials()
    {
        _server.Redirect = true;
        TurnAllocation allocation = await _client.AllocateAsync().WaitAsync(RealTimeLimit);
        Assert.Equal(FakeTurnServer.EndPoint, (await _server.NextAsync()).To);
        FakeTurnServer.Received a = await _server.NextAsync();
        FakeTurnServer.Received b = await _server.NextAsync();
        Assert.Equal(FakeTurnServer.Alternate, a.To);
        Assert.False(a.Signed);
        Assert.Equal(FakeTurnServer.Alternate, b.To);
        Assert.True(b.Signed);
        Assert.Equal(FakeTurnServer.Alternate, _client.Server);
        Assert.True(allocation.IsActive);
    }

    [Fact]
    public async Task A_second_redirection_is_a_typed_error()
    {
        _server.AlwaysRedirect = true;
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => _client.AllocateAsync().WaitAsync(RealTimeLimit));
        Assert.Equal(TurnErrorKind.TooManyRedirects, e.Kind);
        Assert.Equal(FakeTurnServer.Alternate, e.AlternateServer);
    }

    [Theory]
    [InlineData(437, TurnErrorKind.AllocationMismatch)]
    [InlineData(441, TurnErrorKind.WrongCredentials)]
    [InlineData(442, TurnErrorKind.UnsupportedTransport)]
    [InlineData(486, TurnErrorKind.AllocationQuotaReached)]
    [InlineData(508, TurnErrorKind.InsufficientCapacity)]
    [InlineData(403, TurnErrorKind.Forbidden)]
    [InlineData(500, TurnErrorKind.Other)]
    internal async Task Error_responses_to_allocate_are_typed(int code, TurnErrorKind kind)
    {
        _server.NextError[TurnConstants.Allocate] = code;
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => _client.AllocateAsync().WaitAsync(RealTimeLimit));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(code, e.Code);
        Assert.Null(_client.Allocation);
    }

    [Fact]
    public async Task Forbidden_permission_is_a_typed_error_and_installs_nothing()
    {
        TurnAllocation allocation = await AllocateAndDrainAsync();
        _server.NextError[TurnConstants.CreatePermission] = 403;
        TurnErrorException e = await Assert.ThrowsAsync<TurnErrorException>(() => allocation.CreatePermissionAsync(Peer(1)).WaitAsync(RealTimeLimit));
        Assert.Equal(TurnErrorKind.Forbidden, e.Kind);
        Assert.False(allocation.HasPermission(Peer(1)));
        Assert.True(allocation.IsActive);
    }

    [Fact]
    public async Task Lost_requests_are_retransmitted_by_the_stun_transaction()
    {
        _server.DropRequests = 2;
        Task<TurnAllocation> allocate = _client.AllocateAsync();
        Assert.Equal(0, ((await _server.NextAsync()).At - _start).TotalMilliseconds);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(500, ((await _server.NextAsync()).At - _start).TotalMilliseconds);
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1500, ((await _server.NextAsync()).At - _start).TotalMilliseconds);
        await allocate.WaitAsync(RealTimeLimit);
    }

    [Fact]
    public async Task Dispose_deletes_the_allocation_with_lifetime_0()
    {
        TurnAllocation allocation = await AllocateAndDrainAsync();
        await allocation.DisposeAsync().AsTask().WaitAsync(RealTimeLimit);
        FakeTurnServer.Received delete = await _server.NextAsync();
        Assert.Equal(TurnConstants.Refresh, delete.Method);
        Assert.Equal(0u, delete.Lifetime);
        Assert.True(delete.Signed);
        Assert.False(_server.Allocated);
        Assert.False(allocation.IsActive);
        Assert.Null(_client.Allocation);

        // Nothing is refreshed afterwards, and a new allocation can be made.
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(_server.TryNext(out _));
        await _client.AllocateAsync().WaitAsync(RealTimeLimit);
    }

    [Fact]
    public async Task Disposing_the_client_deletes_its_allocation()
    {
        await AllocateAndDrainAsync();
        await _client.DisposeAsync().AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal(0u, (await _server.NextAsync()).Lifetime);
        Assert.False(_server.Allocated);
    }

    internal static StunEndPoint Peer(int n, ushort port = 5000) => StunEndPoint.Create([203, 0, 113, (byte)n], port);

    internal static void AssertRequestedTransportUdp(byte[] request)
    {
        StunMessage.TryParse(request, out StunMessage m);
        Assert.True(m.TryGetAttribute(StunAttributeType.RequestedTransport, out ReadOnlySpan<byte> t));
        Assert.Equal([17, 0, 0, 0], t.ToArray());
    }

    private async Task<TurnAllocation> AllocateAndDrainAsync()
    {
        TurnAllocation allocation = await _client.AllocateAsync().WaitAsync(RealTimeLimit);
        await _server.NextAsync();
        await _server.NextAsync();
        return allocation;
    }

    private TurnClient NewClient(string password) => new(
        _server.Transport,
        new TurnClientOptions { Server = FakeTurnServer.EndPoint, Username = FakeTurnServer.Username, Password = password },
        _time);
}
