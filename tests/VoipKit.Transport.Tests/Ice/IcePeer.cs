using VoipKit.Transport.Ice;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>An agent under test with counters of what it received and the states it went through.</summary>
internal sealed class IcePeer : IAsyncDisposable
{
    private readonly VirtualNetwork _network;
    private int _received;

    public IcePeer(VirtualNetwork network, IceRole role, IceAgentOptions? options, params VirtualSocket[] sockets)
    {
        _network = network;
        Sockets = sockets;
        Agent = new IceAgent(role, sockets, options, network.Time);
        Agent.StateChanged += OnStateChanged;
        Agent.DataReceived = OnData;
    }

    public IceAgent Agent { get; }

    public IReadOnlyList<VirtualSocket> Sockets { get; }

    public List<(DateTimeOffset At, IceConnectionState State)> States { get; } = [];

    public int Received => Volatile.Read(ref _received);

    public DateTimeOffset LastReceivedAt { get; private set; }

    public IReadOnlyList<IceCandidate> Candidates { get; private set; } = [];

    public bool Is(IceConnectionState state) => Agent.State == state;

    public bool ReachedAny(params IceConnectionState[] states)
    {
        lock (States)
        {
            return States.Exists(s => states.Contains(s.State));
        }
    }

    public DateTimeOffset? FirstTime(IceConnectionState state)
    {
        lock (States)
        {
            int i = States.FindIndex(s => s.State == state);
            return i < 0 ? null : States[i].At;
        }
    }

    public async Task GatherAsync()
    {
        Task<IReadOnlyList<IceCandidate>> gather = Agent.GatherAsync();
        await _network.RunAsync(TimeSpan.FromSeconds(10), until: () => gather.IsCompleted);
        Candidates = await gather;
    }

    /// <summary>Gives each side the other's credentials and candidates, as text like signaling would, and starts both.</summary>
    public static async Task ExchangeAndStartAsync(IcePeer a, IcePeer b, bool gather = true)
    {
        if (gather)
        {
            await a.GatherAsync();
            await b.GatherAsync();
        }

        Signal(a, b);
        Signal(b, a);
        a.Agent.Start();
        b.Agent.Start();
    }

    public static void Signal(IcePeer from, IcePeer to)
    {
        to.Agent.SetRemoteCredentials(from.Agent.LocalCredentials);
        foreach (IceCandidate c in from.Candidates)
        {
            to.Agent.AddRemoteCandidate(IceCandidate.Parse(c.ToString()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Agent.StateChanged -= OnStateChanged;
        Agent.DataReceived = null;
        await Agent.DisposeAsync();
    }

    private void OnData(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _received);
        LastReceivedAt = _network.Time.GetUtcNow();
    }

    private void OnStateChanged(object? sender, IceConnectionState state)
    {
        lock (States)
        {
            States.Add((_network.Time.GetUtcNow(), state));
        }
    }
}
