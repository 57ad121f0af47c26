using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Signaling.Tests.UserAgent;

/// <summary>
/// A datagram network in virtual time: every message is serialized, re-parsed and delivered after <see cref="Latency"/>
/// on the fake clock, so user agents talk exactly as over UDP, deterministically. Hooks drop or rewrite messages.
/// </summary>
internal sealed class InMemorySipNetwork
{
    private readonly ConcurrentDictionary<IPEndPoint, InMemorySipTransport> _nodes = new();
    private readonly ConcurrentQueue<(IPEndPoint From, IPEndPoint To, SipMessage Message)> _log = new();
    private int _nextHost = 1;
    private long _lastActivityTicks;

    public InMemorySipNetwork(FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Time.AutoAdvanceAmount = TimeSpan.Zero;
    }

    public FakeTimeProvider Time { get; }

    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Return true to drop the message (it is still logged, marked as dropped).</summary>
    public Func<IPEndPoint, IPEndPoint, SipMessage, bool>? Drop { get; set; }

    /// <summary>Rewrites a message in flight (for example to add a Record-Route as a proxy would).</summary>
    public Action<IPEndPoint, IPEndPoint, SipMessage>? Rewrite { get; set; }

    public IReadOnlyList<(IPEndPoint From, IPEndPoint To, SipMessage Message)> Log => [.. _log];

    /// <summary>
    /// Addresses that act as a transparent routing proxy: a request sent there is logged, its Route consumed (loose or
    /// strict routing) and delivered to its Request-URI, keeping the original source.
    /// </summary>
    public HashSet<IPEndPoint> Proxies { get; } = [];

    public IEnumerable<SipRequest> Requests(string method) =>
        Log.Select(e => e.Message).OfType<SipRequest>().Where(r => r.Method == method);

    public IEnumerable<SipResponse> Responses(int status) =>
        Log.Select(e => e.Message).OfType<SipResponse>().Where(r => r.StatusCode == status);

    public SipUserAgentOptions Options(string user, Func<SipUserAgentOptions, SipUserAgentOptions>? change = null)
    {
        var options = new SipUserAgentOptions
        {
            Identity = SipUri.Parse($"sip:{user}@voipkit.test"),
            TimeProvider = Time,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2." + Interlocked.Increment(ref _nextHost)), 5060),

            // Test teardown disposes agents without moving virtual time, so it must not wait for BYE answers; the
            // tests of that wait set their own.
            ShutdownTimeout = TimeSpan.Zero,
        };
        return change is null ? options : change(options);
    }

    public SipUserAgent CreateAgent(SipUserAgentOptions options) =>
        new(options, handler => new InMemorySipTransport(this, options.LocalEndPoint, handler));

    /// <summary>Runs virtual time in small steps until <paramref name="task"/> ends (at most <paramref name="limit"/> of virtual time).</summary>
    public async Task<T> Run<T>(Task<T> task, TimeSpan? limit = null)
    {
        await Run((Task)task, limit);
        return await task;
    }

    public async Task Run(Task task, TimeSpan? limit = null)
    {
        DateTimeOffset end = Time.GetUtcNow() + (limit ?? TimeSpan.FromSeconds(60));
        for (int step = 0; !task.IsCompleted; step++)
        {
            if (Time.GetUtcNow() >= end)
            {
                throw new TimeoutException("The operation did not finish in virtual time.");
            }

            await Settle(step);
            Time.Advance(Step());
        }

        await task;
    }

    /// <summary>Advances virtual time by <paramref name="span"/> in 1 ms steps, letting continuations run between steps.</summary>
    public async Task Advance(TimeSpan span)
    {
        DateTimeOffset end = Time.GetUtcNow() + span;
        for (int step = 0; Time.GetUtcNow() < end; step++)
        {
            await Settle(step);
            TimeSpan left = end - Time.GetUtcNow();
            TimeSpan next = Step();
            Time.Advance(next < left ? next : left);
        }

        await Settle(0);
    }

    internal void Attach(InMemorySipTransport node) => _nodes[node.LocalEndPoint] = node;

    internal void Detach(InMemorySipTransport node) => _nodes.TryRemove(node.LocalEndPoint, out _);

    /// <summary>
    /// Hands <paramref name="message"/> to the node at <paramref name="to"/> at once, on the calling thread: from a
    /// <see cref="Rewrite"/> hook this delivers it while the sender is still inside its send call, the tightest race a
    /// real socket can produce.
    /// </summary>
    public void DeliverNow(IPEndPoint from, IPEndPoint to, SipMessage message)
    {
        _log.Enqueue((from, to, message));
        _nodes[to].Deliver(SipMessage.Parse(message.ToArray()), from);
    }

    /// <summary>1 ms steps while messages fly, 20 ms when the network has been quiet (timers fire at most that late).</summary>
    private TimeSpan Step() =>
        Time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero) < TimeSpan.FromMilliseconds(50)
            ? TimeSpan.FromMilliseconds(1)
            : TimeSpan.FromMilliseconds(20);

    internal void Send(IPEndPoint from, IPEndPoint to, SipMessage message)
    {
        Interlocked.Exchange(ref _lastActivityTicks, Time.GetUtcNow().UtcTicks);
        SipMessage copy = SipMessage.Parse(message.ToArray());
        Rewrite?.Invoke(from, to, copy);
        _log.Enqueue((from, to, copy));
        if (Drop?.Invoke(from, to, copy) == true)
        {
            return;
        }

        if (Proxies.Contains(to) && copy is SipRequest)
        {
            var routed = (SipRequest)SipMessage.Parse(copy.ToArray());
            List<string> routes = [.. routed.GetHeaders(SipHeaderNames.Route)];
            routed.RemoveHeaders(SipHeaderNames.Route);
            if (routed.RequestUri.Host == to.Address.ToString())
            {
                routed.RequestUri = SipNameAddress.Parse(routes[^1]).Uri; // strict routing: the last Route is the real target
                routes.RemoveAt(routes.Count - 1);
            }
            else
            {
                routes.RemoveAt(0); // loose routing: our own Route entry
            }

            foreach (string r in routes)
            {
                routed.AddHeader(SipHeaderNames.Route, r);
            }

            Send(from, new IPEndPoint(IPAddress.Parse(routed.RequestUri.Host), routed.RequestUri.Port ?? 5060), routed);
            return;
        }

        ITimer? timer = null;
        timer = Time.CreateTimer(
            _ =>
            {
                timer?.Dispose();
                if (_nodes.TryGetValue(to, out InMemorySipTransport? node))
                {
                    node.Deliver(SipMessage.Parse(copy.ToArray()), from);
                }
            },
            null,
            Latency,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Lets thread-pool continuations (async user agent code) run before virtual time moves on.</summary>
    /// <remarks>SIP timers are 500 ms and more, so a continuation that lags a few virtual ms changes nothing.</remarks>
    private static async Task Settle(int step)
    {
        await Task.Yield();
        await Task.Yield();
        if (step % 10 == 0)
        {
            await Task.Delay(1);
        }
    }
}

internal sealed class InMemorySipTransport : ISipTransport
{
    private readonly InMemorySipNetwork _network;
    private readonly SipMessageHandler _handler;

    public InMemorySipTransport(InMemorySipNetwork network, IPEndPoint local, SipMessageHandler handler)
    {
        _network = network;
        _handler = handler;
        LocalEndPoint = local;
    }

    public SipTransportProtocol Protocol => SipTransportProtocol.Udp;

    public bool IsReliable => false;

    public IPEndPoint LocalEndPoint { get; }

    public SipTransportStatistics Statistics { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _network.Attach(this);
        return Task.CompletedTask;
    }

    public ValueTask SendAsync(SipMessage message, EndPoint remote, CancellationToken cancellationToken = default)
    {
        _network.Send(LocalEndPoint, (IPEndPoint)remote, message);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _network.Detach(this);
        return ValueTask.CompletedTask;
    }

    internal void Deliver(SipMessage message, IPEndPoint from)
    {
        if (message is SipRequest request)
        {
            SipViaReceived.Apply(request, from);
        }

        _handler(new SipReceivedMessage(message, from, this), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}
