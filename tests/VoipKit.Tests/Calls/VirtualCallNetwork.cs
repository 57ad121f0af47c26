using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Tests.UserAgent;
using VoipKit.Transport.Tests.Ice;

namespace VoipKit.Tests.Calls;

/// <summary>
/// Two simulated networks on one fake clock: SIP messages (<see cref="InMemorySipNetwork"/>, with a routing proxy at
/// 192.0.2.100 that sends <c>sip:user@voipkit.test</c> to that user's agent, as a registrar would) and media datagrams
/// (<see cref="VirtualNetwork"/>: latency, loss, NATs, cuts). CallClients on it run whole calls in virtual time.
/// </summary>
internal sealed class VirtualCallNetwork : IAsyncDisposable
{
    public static readonly IPEndPoint Proxy = IPEndPoint.Parse("192.0.2.100:5060");
    private readonly Dictionary<string, IPEndPoint> _agents = [];
    private readonly List<CallClient> _clients = [];
    private int _nextPort = 40000;
    private bool _disposing;

    public VirtualCallNetwork(int seed = 1)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.Zero };
        Sip = new InMemorySipNetwork(Time) { Latency = TimeSpan.FromMilliseconds(10) };
        Sip.Proxies.Add(Proxy);
        Sip.Rewrite = Route;
        Media = new VirtualNetwork(Time, seed);
    }

    public FakeTimeProvider Time { get; }

    public InMemorySipNetwork Sip { get; }

    public VirtualNetwork Media { get; }

    public InMemoryPreKeyDirectory Directory { get; } = new();

    /// <summary>A client for <paramref name="user"/> whose SIP agent is at <paramref name="sipAddress"/>:5060 and whose media sockets open on <paramref name="mediaAddresses"/>.</summary>
    public async Task<CallClient> StartClientAsync(string user, string sipAddress, params string[] mediaAddresses)
    {
        var sipEndPoint = new IPEndPoint(IPAddress.Parse(sipAddress), 5060);
        _agents[user] = sipEndPoint;
        var options = new CallClientOptions
        {
            AddressOfRecord = $"sip:{user}@voipkit.test",
            OutboundProxy = $"sip:{Proxy}",
            LocalAddress = sipAddress,
            SipPort = 5060,
            Register = false,
        };
        var network = new CallClientNetwork
        {
            SipTransport = handler => new InMemorySipTransport(Sip, sipEndPoint, handler),
            MediaSocket = address => Media.Bind($"{address}:{Interlocked.Increment(ref _nextPort)}"),
            HostAddresses = [.. mediaAddresses.Select(IPAddress.Parse)],
        };
        var client = new CallClient(options, Directory, null, Time, network);
        _clients.Add(client);
        await RunAsync(client.StartAsync(), TimeSpan.FromSeconds(5));
        return client;
    }

    /// <summary>Moves virtual time in 10 ms steps, letting datagrams and continuations run, until <paramref name="task"/> ends.</summary>
    public async Task RunAsync(Task task, TimeSpan limit)
    {
        DateTimeOffset end = Time.GetUtcNow() + limit;
        while (!task.IsCompleted)
        {
            if (Time.GetUtcNow() >= end)
            {
                throw new TimeoutException($"not done after {limit.TotalSeconds} s of virtual time");
            }

            await StepAsync();
        }

        await task;
    }

    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan limit)
    {
        await RunAsync((Task)task, limit);
        return await task;
    }

    /// <summary>Moves virtual time by <paramref name="span"/>; stops early when <paramref name="until"/> holds.</summary>
    public async Task AdvanceAsync(TimeSpan span, Func<bool>? until = null)
    {
        DateTimeOffset end = Time.GetUtcNow() + span;
        while (Time.GetUtcNow() < end && until?.Invoke() != true)
        {
            await StepAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Sockets of ended calls stop reading with datagrams still in flight: no more waiting for the media network.
        _disposing = true;
        foreach (CallClient client in _clients)
        {
            Task stop = client.DisposeAsync().AsTask();
            for (int i = 0; i < 500 && !stop.IsCompleted; i++)
            {
                await StepAsync();
            }

            await stop;
        }
    }

    private async Task StepAsync()
    {
        Time.Advance(TimeSpan.FromMilliseconds(10));
        if (!_disposing)
        {
            await Media.SettleAsync();
        }

        await Task.Yield();
        await Task.Yield();
        await Task.Delay(1);
    }

    // The proxy's location service: an initial request to sip:user@voipkit.test goes to that user's agent.
    private void Route(IPEndPoint from, IPEndPoint to, SipMessage message)
    {
        if (to.Equals(Proxy) && message is SipRequest { RequestUri.Host: "voipkit.test", RequestUri.User: { } user } request && _agents.TryGetValue(user, out IPEndPoint? agent))
        {
            request.RequestUri = SipUri.Parse($"sip:{user}@{agent}");
        }
    }
}
