using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Server.Tests.Sip;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Tests.Stun;
using VoipKit.Transport.Tests.Turn;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>
/// <see cref="TurnRelayedCandidateSource"/> in virtual time: servers are <see cref="FakeTurnServer"/>s or black holes
/// reached through the source's transport factory.
/// </summary>
public sealed class TurnRelayedCandidateSourceTests : IDisposable
{
    private static readonly TimeSpan RealTimeLimit = TurnClientTests.RealTimeLimit;
    private static readonly IPEndPoint BlackHole = IPEndPoint.Parse("198.51.100.9:3478");
    private static readonly IPEndPoint WrongPasswordServer = IPEndPoint.Parse("198.51.100.3:3478");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly ListLoggerFactory _logs = new();
    private readonly Dictionary<IPEndPoint, OwnedTestTransport> _sockets = [];
    private readonly List<IPEndPoint> _boundTo = [];

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_server_that_never_answers_is_left_out_after_the_3_s_timeout_without_throwing()
    {
        var good = new FakeTurnServer(_time);
        var wrongPassword = new FakeTurnServer(_time);
        Serve(FakeTurnServer.EndPoint, good.Transport);
        Serve(WrongPasswordServer, wrongPassword.Transport);
        var blackHole = new InMemoryDatagramTransport(_time);
        Serve(BlackHole, blackHole);
        await using TurnRelayedCandidateSource source = NewSource(
            Credentials(FakeTurnServer.EndPoint), Credentials(BlackHole), Credentials(WrongPasswordServer) with { Password = "wrong" });

        ValueTask<IReadOnlyList<IceRelayedBase>> gather = source.GetRelayedBasesAsync(default);
        await blackHole.NextSentAsync(); // its Allocate is out, so the 3 s timer runs
        await WaitUntilAsync(() => _logs.Text.Contains("TURN server 198.51.100.1:3478: relayed address 198.51.100.1:50000", StringComparison.Ordinal)
            && _logs.Text.Contains("TURN server 198.51.100.3:3478 left out", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromMilliseconds(2900));
        await Task.Delay(100);
        Assert.False(gather.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        IReadOnlyList<IceRelayedBase> bases = await gather.AsTask().WaitAsync(RealTimeLimit);
        IceRelayedBase relayed = Assert.Single(bases);
        Assert.Equal(FakeTurnServer.Relayed.ToIPEndPoint(), relayed.Transport.LocalEndPoint);
        Assert.Equal(good.Transport.LocalEndPoint, relayed.RelatedEndPoint);
        Assert.Equal(FakeTurnServer.EndPoint, relayed.ServerEndPoint);
        Assert.Same(relayed.Transport, Assert.Single(source.Relays));
        Assert.Contains("Warning TurnRelayedCandidateSource: TURN server 198.51.100.9:3478 left out: no allocation within 3 s", _logs.Lines);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning TurnRelayedCandidateSource: TURN server 198.51.100.3:3478 left out: TURN error 401", StringComparison.Ordinal));
        Assert.True(_sockets[BlackHole].Disposed);
        Assert.True(_sockets[WrongPasswordServer].Disposed);
        Assert.False(_sockets[FakeTurnServer.EndPoint].Disposed);
    }

    [Fact]
    public async Task No_server_answering_gives_an_empty_list()
    {
        var blackHole = new InMemoryDatagramTransport(_time);
        Serve(BlackHole, blackHole);
        await using TurnRelayedCandidateSource source = NewSource(Credentials(BlackHole));
        ValueTask<IReadOnlyList<IceRelayedBase>> gather = source.GetRelayedBasesAsync(default);
        await blackHole.NextSentAsync(); // its Allocate is out, so the 3 s timer runs
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await gather.AsTask().WaitAsync(RealTimeLimit));
        Assert.Empty(source.Relays);
    }

    [Fact]
    public async Task Sockets_bind_to_the_wildcard_of_each_servers_family_or_the_given_local_address()
    {
        var v6Server = IPEndPoint.Parse("[2001:db8::3478]:3478");
        var blackHole4 = new InMemoryDatagramTransport(_time);
        var blackHole6 = new InMemoryDatagramTransport(_time);
        Serve(BlackHole, blackHole4);
        Serve(v6Server, blackHole6);
        await using (TurnRelayedCandidateSource source = NewSource(Credentials(BlackHole), Credentials(v6Server)))
        {
            ValueTask<IReadOnlyList<IceRelayedBase>> gather = source.GetRelayedBasesAsync(default);
            await blackHole4.NextSentAsync();
            await blackHole6.NextSentAsync();
            _time.Advance(TimeSpan.FromSeconds(3));
            await gather.AsTask().WaitAsync(RealTimeLimit);
        }

        lock (_boundTo)
        {
            Assert.Equal(new[] { new IPEndPoint(IPAddress.Any, 0), new IPEndPoint(IPAddress.IPv6Any, 0) }, _boundTo.OrderBy(e => e.AddressFamily));
            _boundTo.Clear();
        }

        var fresh4 = new InMemoryDatagramTransport(_time);
        Serve(BlackHole, fresh4);
        await using TurnRelayedCandidateSource bound = NewSource(
            new TurnRelayedCandidateSourceOptions { LocalAddress = IPAddress.Parse("192.0.2.10") }, Credentials(BlackHole), Credentials(v6Server));
        ValueTask<IReadOnlyList<IceRelayedBase>> only4 = bound.GetRelayedBasesAsync(default);
        await fresh4.NextSentAsync();
        _time.Advance(TimeSpan.FromSeconds(3));
        await only4.AsTask().WaitAsync(RealTimeLimit);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 0), Assert.Single(_boundTo));
        Assert.Contains(_logs.Lines, l => l.Contains("TURN server [2001:db8::3478]:3478 left out: the local address 192.0.2.10 is of another address family", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_the_call_throws_and_releases_the_sockets()
    {
        var blackHole = new InMemoryDatagramTransport(_time);
        Serve(BlackHole, blackHole);
        await using TurnRelayedCandidateSource source = NewSource(Credentials(BlackHole));
        using var cts = new CancellationTokenSource();
        ValueTask<IReadOnlyList<IceRelayedBase>> gather = source.GetRelayedBasesAsync(cts.Token);
        await blackHole.NextSentAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gather.AsTask().WaitAsync(RealTimeLimit));
        Assert.True(_sockets[BlackHole].Disposed);
    }

    [Fact]
    public async Task Disposing_the_source_deletes_the_allocations_ends_receives_and_closes_the_sockets()
    {
        var server = new FakeTurnServer(_time);
        Serve(FakeTurnServer.EndPoint, server.Transport);
        TurnRelayedCandidateSource source = NewSource(Credentials(FakeTurnServer.EndPoint));
        IceRelayedBase relayed = Assert.Single(await source.GetRelayedBasesAsync(default).AsTask().WaitAsync(RealTimeLimit));
        var relay = (TurnRelayTransport)relayed.Transport;
        ValueTask<DatagramReceiveResult> receive = relay.ReceiveAsync(new byte[2048], default);
        while (server.TryNext(out _))
        {
        }

        await source.DisposeAsync().AsTask().WaitAsync(RealTimeLimit);
        FakeTurnServer.Received delete = await server.NextAsync();
        Assert.Equal((TurnConstants.Refresh, 0u), (delete.Method, delete.Lifetime));
        Assert.False(server.Allocated);
        Assert.True(_sockets[FakeTurnServer.EndPoint].Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.AsTask().WaitAsync(RealTimeLimit));
        Assert.Empty(source.Relays);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => source.GetRelayedBasesAsync(default).AsTask());
    }

    [Fact]
    public void Credentials_never_print_the_password()
    {
        var credentials = new TurnServerCredentials(FakeTurnServer.EndPoint, "alice", "pass-word");
        Assert.Equal("alice@198.51.100.1:3478", credentials.ToString());
        Assert.DoesNotContain("pass-word", credentials.ToString(), StringComparison.Ordinal);
    }

    private static TurnServerCredentials Credentials(IPEndPoint server) => new(server, FakeTurnServer.Username, FakeTurnServer.Password);

    private TurnRelayedCandidateSource NewSource(params TurnServerCredentials[] servers) => NewSource(new TurnRelayedCandidateSourceOptions(), servers);

    private TurnRelayedCandidateSource NewSource(TurnRelayedCandidateSourceOptions options, params TurnServerCredentials[] servers) =>
        new(servers, _time, _logs, options with { TransportFactory = Bind });

    private readonly Dictionary<IPEndPoint, IDatagramTransport> _transports = [];

    private void Serve(IPEndPoint server, IDatagramTransport transport) => _transports[server] = transport;

    private OwnedTestTransport Bind(IPEndPoint local, IPEndPoint server)
    {
        var socket = new OwnedTestTransport(_transports[server]);
        lock (_boundTo)
        {
            _boundTo.Add(local);
            _sockets[server] = socket;
        }

        return socket;
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RealTimeLimit);
        while (true)
        {
            lock (_boundTo)
            {
                if (condition())
                {
                    return;
                }
            }

            await Task.Delay(5, timeout.Token);
        }
    }
}
