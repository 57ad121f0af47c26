using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>
/// A simulated IPv4 network in virtual time: sockets on the public side or behind NATs (endpoint-independent mapping with
/// address-dependent filtering, or symmetric), a one-way latency, seeded random loss, paths that can be cut, and STUN
/// Binding servers. Deliveries are timers of the <see cref="FakeTimeProvider"/>; <see cref="RunAsync"/> advances time in
/// steps and waits until every delivered datagram has been processed, so runs are deterministic.
/// Addresses come from the documentation ranges only.
/// </summary>
internal sealed class VirtualNetwork(FakeTimeProvider time, int seed = 1)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPEndPoint, VirtualSocket> _public = [];
    private readonly List<VirtualNat> _nats = [];
    private readonly HashSet<IPEndPoint> _stunServers = [];
    private readonly HashSet<(IPAddress, IPAddress)> _cut = [];
    private readonly Random _random = new(seed); // loss simulation only, nothing secret
    private int _pending;

    public FakeTimeProvider Time => time;

    /// <summary>One-way delay of every datagram.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability that a datagram is lost.</summary>
    public double Loss { get; set; }

    /// <summary>When set, datagrams (source after NAT, destination, contents) it returns true for are lost: one-way cuts.</summary>
    public Func<IPEndPoint, IPEndPoint, byte[], bool>? Drop { get; set; }

    /// <summary>Every datagram sent, as it left the sender (before NAT): for assertions on pacing and contents.</summary>
    public List<(DateTimeOffset At, IPEndPoint From, IPEndPoint To, byte[] Data)> Sent { get; } = [];

    public VirtualSocket Bind(string endPoint, VirtualNat? behind = null)
    {
        var socket = new VirtualSocket(this, IPEndPoint.Parse(endPoint), behind);
        lock (_lock)
        {
            if (behind is null)
            {
                _public.Add(socket.EndPoint, socket);
            }
            else
            {
                behind.Inside.Add(socket.EndPoint, socket);
            }
        }

        return socket;
    }

    public VirtualNat AddNat(string publicAddress, bool symmetric)
    {
        var nat = new VirtualNat(IPAddress.Parse(publicAddress), symmetric);
        lock (_lock)
        {
            _nats.Add(nat);
        }

        return nat;
    }

    public void AddStunServer(string endPoint)
    {
        lock (_lock)
        {
            _stunServers.Add(IPEndPoint.Parse(endPoint));
        }
    }

    /// <summary>Cuts (or restores) the path between two public addresses, both ways.</summary>
    public void Cut(string a, string b, bool cut = true)
    {
        lock (_lock)
        {
            var x = IPAddress.Parse(a);
            var y = IPAddress.Parse(b);
            if (cut)
            {
                _cut.Add((x, y));
                _cut.Add((y, x));
            }
            else
            {
                _cut.Remove((x, y));
                _cut.Remove((y, x));
            }
        }
    }

    /// <summary>Advances virtual time by <paramref name="duration"/> in <paramref name="step"/>s, letting every datagram be processed after each.</summary>
    public async Task RunAsync(TimeSpan duration, TimeSpan? step = null, Func<bool>? until = null)
    {
        TimeSpan s = step ?? TimeSpan.FromMilliseconds(10);
        await SettleAsync();
        for (TimeSpan elapsed = TimeSpan.Zero; elapsed < duration; elapsed += s)
        {
            if (until?.Invoke() == true)
            {
                return;
            }

            time.Advance(s);
            await SettleAsync();
        }
    }

    /// <summary>Waits (in real time, at most 5 s) until no delivered datagram is waiting or being processed.</summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        for (int i = 0; Volatile.Read(ref _pending) > 0; i++)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The network did not settle: a receiver stopped reading.");
            }

            if (i < 100)
            {
                await Task.Yield();
            }
            else
            {
                await Task.Delay(1);
            }
        }
    }

    internal void AddPending(int delta) => Interlocked.Add(ref _pending, delta);

    internal void Send(VirtualSocket from, byte[] data, IPEndPoint to)
    {
        lock (_lock)
        {
            Sent.Add((time.GetUtcNow(), from.EndPoint, to, data));
            if (from.Nat?.Inside.ContainsKey(to) == true)
            {
                Schedule(from.EndPoint, to, data, from.Nat);
                return;
            }

            IPEndPoint source = from.Nat?.Outbound(from.EndPoint, to) ?? from.EndPoint;
            if (Loss > 0 && _random.NextDouble() < Loss)
            {
                return;
            }

            if (_cut.Contains((source.Address, to.Address)) || Drop?.Invoke(source, to, data) == true)
            {
                return;
            }

            Schedule(source, to, data, realm: null);
        }
    }

    private void Schedule(IPEndPoint source, IPEndPoint to, byte[] data, VirtualNat? realm)
    {
        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                timer!.Dispose();
                Deliver(source, to, data, realm);
            },
            null,
            Latency,
            Timeout.InfiniteTimeSpan);
    }

    private void Deliver(IPEndPoint source, IPEndPoint to, byte[] data, VirtualNat? realm)
    {
        VirtualSocket? target;
        lock (_lock)
        {
            if (realm is not null)
            {
                realm.Inside.TryGetValue(to, out target);
            }
            else if (_stunServers.Contains(to))
            {
                AnswerStun(source, to, data);
                return;
            }
            else if (_nats.Find(n => n.PublicAddress.Equals(to.Address)) is { } nat)
            {
                target = nat.Inbound(source, to) is { } inside && nat.Inside.TryGetValue(inside, out VirtualSocket? s) ? s : null;
            }
            else
            {
                _public.TryGetValue(to, out target);
            }
        }

        target?.Enqueue(data, source);
    }

    private void AnswerStun(IPEndPoint source, IPEndPoint server, byte[] request)
    {
        byte[] response = new byte[548];
        if (StunBindingResponder.Respond(request, StunEndPoint.FromIPEndPoint(source), response, out int length) == StunResponderResult.Success)
        {
            Schedule(server, source, response[..length], realm: null);
        }
    }
}

/// <summary>A NAT with one public address.</summary>
/// <param name="publicAddress">Its public address.</param>
/// <param name="symmetric">
/// False: endpoint-independent mapping with address-dependent filtering. True: a new mapping per destination, which
/// only that destination may answer through (address- and port-dependent).
/// </param>
internal sealed class VirtualNat(IPAddress publicAddress, bool symmetric)
{
    private readonly Dictionary<(IPEndPoint Inside, IPEndPoint? Destination), int> _mappings = [];
    private readonly Dictionary<int, (IPEndPoint Inside, HashSet<IPEndPoint> Contacted)> _ports = [];
    private int _nextPort = 40000;

    public IPAddress PublicAddress => publicAddress;

    public Dictionary<IPEndPoint, VirtualSocket> Inside { get; } = [];

    public IPEndPoint Outbound(IPEndPoint inside, IPEndPoint destination)
    {
        (IPEndPoint, IPEndPoint?) key = (inside, symmetric ? destination : null);
        if (!_mappings.TryGetValue(key, out int port))
        {
            port = _nextPort++;
            _mappings.Add(key, port);
            _ports.Add(port, (inside, []));
        }

        _ports[port].Contacted.Add(destination);
        return new IPEndPoint(publicAddress, port);
    }

    public IPEndPoint? Inbound(IPEndPoint source, IPEndPoint publicEndPoint)
    {
        if (!_ports.TryGetValue(publicEndPoint.Port, out (IPEndPoint Inside, HashSet<IPEndPoint> Contacted) mapping))
        {
            return null;
        }

        bool allowed = symmetric
            ? mapping.Contacted.Contains(source)
            : mapping.Contacted.Any(c => c.Address.Equals(source.Address));
        return allowed ? mapping.Inside : null;
    }
}
