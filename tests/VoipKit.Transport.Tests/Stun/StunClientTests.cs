using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>The client transaction in virtual time over an in-memory transport.</summary>
public sealed class StunClientTests : IAsyncDisposable
{
    private static readonly IPEndPoint Server = IPEndPoint.Parse("198.51.100.7:3478");
    private static readonly IPEndPoint Mapped = IPEndPoint.Parse("203.0.113.5:61000");
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryDatagramTransport _net;
    private readonly StunClient _client;
    private readonly DateTimeOffset _start;

    public StunClientTests()
    {
        _net = new InMemoryDatagramTransport(_time);
        _client = new StunClient(_net, _time);
        _start = _time.GetUtcNow();
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Retransmits_at_0_500_1500_3500_7500_15500_31500_ms_and_times_out_at_39_5_s()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        int[] expected = [0, 500, 1500, 3500, 7500, 15500, 31500];
        byte[]? first = null;
        for (int i = 0; i < expected.Length; i++)
        {
            InMemoryDatagramTransport.Sent sent = await _net.NextSentAsync();
            Assert.Equal(expected[i], (sent.At - _start).TotalMilliseconds);
            Assert.Equal(Server, sent.To);
            first ??= sent.Data;
            Assert.Equal(first, sent.Data); // a retransmission is the same bytes, same transaction ID
            int next = i + 1 < expected.Length ? expected[i + 1] : 39_500;
            _time.Advance(TimeSpan.FromMilliseconds(next - expected[i] - 1));
            Assert.False(_net.TryTakeSent(out _));
            Assert.False(result.IsCompleted);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await Assert.ThrowsAsync<TimeoutException>(() => result.WaitAsync(RealTimeLimit));
        Assert.Equal(TimeSpan.FromSeconds(39.5), new StunClientOptions().TransactionTimeout);
        Assert.Equal(0, _client.PendingCount);
        Assert.False(_net.TryTakeSent(out _));
    }

    [Fact]
    public async Task Success_response_gives_the_xor_mapped_address()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        AssertIsBindingRequest(request);
        _net.Inject(Response(request, Mapped), Server);
        Assert.Equal(Mapped, await result.WaitAsync(RealTimeLimit));
        Assert.Equal(0, _client.PendingCount);
    }

    [Fact]
    public async Task Response_with_another_transaction_id_is_ignored()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        byte[] other = (byte[])request.Clone();
        other[19] ^= 0xFF;
        _net.Inject(Response(other, IPEndPoint.Parse("192.0.2.99:1")), Server);
        _net.Inject(Response(request, Mapped), Server);
        Assert.Equal(Mapped, await result.WaitAsync(RealTimeLimit));
    }

    [Fact]
    public async Task Response_to_the_first_send_arriving_after_a_retransmission_is_accepted()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await _net.NextSentAsync();
        _time.Advance(TimeSpan.FromMilliseconds(700));
        _net.Inject(Response(request, Mapped), Server);
        Assert.Equal(Mapped, await result.WaitAsync(RealTimeLimit));

        // No more retransmissions once answered.
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.False(_net.TryTakeSent(out _));
    }

    [Fact]
    public async Task Duplicate_and_late_responses_are_dropped_and_the_client_keeps_working()
    {
        Task<IPEndPoint> first = _client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        _net.Inject(Response(request, Mapped), Server);
        Assert.Equal(Mapped, await first.WaitAsync(RealTimeLimit));
        _net.Inject(Response(request, Mapped), Server); // duplicate
        _net.Inject([1, 2, 3], Server); // noise
        Assert.False(_client.TryHandleResponse(Response(request, Mapped)));

        Task<IPEndPoint> second = _client.GetMappedAddressAsync(Server);
        byte[] request2 = (await _net.NextSentAsync()).Data;
        Assert.NotEqual(request.AsSpan(8, 12).ToArray(), request2.AsSpan(8, 12).ToArray());
        IPEndPoint other = IPEndPoint.Parse("[2001:db8::5]:4000");
        _net.Inject(Response(request2, other), Server);
        Assert.Equal(other, await second.WaitAsync(RealTimeLimit));
    }

    [Fact]
    public async Task Error_response_throws_with_code_and_reason()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, new StunMessageType(1, StunClass.ErrorResponse), request.AsSpan(8, 12));
        w.AddErrorCode(400, "Bad Request");
        w.TryComplete(out int length);
        _net.Inject(buffer[..length], Server);
        StunErrorResponseException e = await Assert.ThrowsAsync<StunErrorResponseException>(() => result.WaitAsync(RealTimeLimit));
        Assert.Equal(400, e.Code);
        Assert.Equal("Bad Request", e.Reason);
    }

    [Fact]
    public async Task Cancellation_stops_retransmissions()
    {
        using var cts = new CancellationTokenSource();
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server, cts.Token);
        await _net.NextSentAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => result.WaitAsync(RealTimeLimit));
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.False(_net.TryTakeSent(out _));
        Assert.Equal(0, _client.PendingCount);
    }

    [Fact]
    public async Task Dispose_fails_pending_transactions()
    {
        Task<IPEndPoint> result = _client.GetMappedAddressAsync(Server);
        await _net.NextSentAsync();
        await _client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => result.WaitAsync(RealTimeLimit));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _client.GetMappedAddressAsync(Server));
    }

    [Fact]
    public async Task Shared_socket_owner_can_hand_responses_in()
    {
        await using var client = new StunClient(_net, _time, new StunClientOptions { RunReceiveLoop = false, InitialRto = TimeSpan.FromMilliseconds(100), MaxSends = 2 });
        Task<IPEndPoint> result = client.GetMappedAddressAsync(Server);
        byte[] request = (await _net.NextSentAsync()).Data;
        Assert.True(client.TryHandleResponse(Response(request, Mapped)));
        Assert.Equal(Mapped, await result.WaitAsync(RealTimeLimit));
        Assert.Equal(TimeSpan.FromMilliseconds(100 + 1600), new StunClientOptions { InitialRto = TimeSpan.FromMilliseconds(100), MaxSends = 2 }.TransactionTimeout);
    }

    private static void AssertIsBindingRequest(byte[] request)
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(request, out StunMessage m));
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.True(StunIntegrity.VerifyFingerprint(m));
    }

    private static byte[] Response(byte[] request, IPEndPoint mapped)
    {
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, request.AsSpan(8, 12));
        w.AddXorAddress(StunAttributeType.XorMappedAddress, StunEndPoint.FromIPEndPoint(mapped));
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }
}
