using System.Buffers;

namespace VoipKit.Media.Simulation;

/// <summary>
/// One direction of a simulated network that really carries packets: <see cref="Send"/>
/// copies a packet in, and the handler gets it when the <see cref="SimulatedLink"/> says it
/// arrives, on the given <see cref="TimeProvider"/>'s clock. With a fake time provider a
/// whole call runs in virtual time, deterministically.
/// </summary>
/// <remarks>
/// A fake clock's timers fire at the end of each advance, so advance it in steps no longer
/// than the timing resolution a test needs (for media, 1–5 ms); a packet is delivered at the
/// first step at or after its arrival time.
/// </remarks>
public sealed class SimulatedPath : IDisposable
{
    private readonly SimulatedLink _link;
    private readonly TimeProvider _time;
    private readonly SimulatedPacketHandler _handler;
    private readonly long _epoch;
    private readonly PriorityQueue<Pending, (TimeSpan Due, long Order)> _queue = new();
    private readonly List<Pending> _due = [];
    private readonly Lock _gate = new();
    private readonly Lock _deliverGate = new(); // one delivery batch at a time, in order
    private readonly ITimer _timer;
    private TimeSpan _armedFor = TimeSpan.MaxValue;
    private long _order;
    private bool _disposed;

    /// <summary>Creates a path.</summary>
    /// <param name="profile">The network's behaviour.</param>
    /// <param name="seed">Seeds the link's random choices.</param>
    /// <param name="timeProvider">The clock deliveries follow.</param>
    /// <param name="handler">Gets each arriving packet; called on the timer's thread, one packet at a time.</param>
    public SimulatedPath(NetworkProfile profile, int seed, TimeProvider timeProvider, SimulatedPacketHandler handler)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(handler);
        _link = new SimulatedLink(profile, seed);
        _time = timeProvider;
        _handler = handler;
        _epoch = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static s => ((SimulatedPath)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The link's counters.</summary>
    public LinkStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return _link.Statistics;
            }
        }
    }

    /// <summary>Packets in flight.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Sends a packet; it is copied, so the caller may reuse its buffer at once.</summary>
    /// <param name="packet">The bytes.</param>
    /// <returns>What the link decided.</returns>
    public LinkVerdict Send(ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TimeSpan now = _time.GetElapsedTime(_epoch);
            LinkVerdict verdict = _link.Transmit(now, packet.Length);
            if (verdict.Fate == LinkFate.Delivered)
            {
                Enqueue(packet, verdict.Arrival);
                if (verdict.DuplicateArrival is { } again)
                {
                    Enqueue(packet, again);
                }

                Arm(now);
            }

            return verdict;
        }
    }

    /// <summary>Stops deliveries and returns the buffers of packets still in flight.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_queue.TryDequeue(out Pending p, out _))
            {
                ArrayPool<byte>.Shared.Return(p.Buffer);
            }
        }

        _timer.Dispose();
    }

    private void Enqueue(ReadOnlySpan<byte> packet, TimeSpan due)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, packet.Length));
        packet.CopyTo(buffer);
        _queue.Enqueue(new Pending(buffer, packet.Length), (due, _order++));
    }

    private void Arm(TimeSpan now)
    {
        if (!_queue.TryPeek(out _, out var head) || head.Due >= _armedFor)
        {
            return;
        }

        _armedFor = head.Due;
        TimeSpan wait = head.Due - now;
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_deliverGate)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                TimeSpan now = _time.GetElapsedTime(_epoch);
                while (_queue.TryPeek(out Pending p, out var key) && key.Due <= now)
                {
                    _queue.Dequeue();
                    _due.Add(p);
                }

                _armedFor = TimeSpan.MaxValue;
                Arm(now);
            }

            // Deliver outside _gate: a handler may send on this path (an echo) or another one.
            try
            {
                foreach (Pending p in _due)
                {
                    _handler(p.Buffer.AsSpan(0, p.Length));
                }
            }
            finally
            {
                foreach (Pending p in _due)
                {
                    ArrayPool<byte>.Shared.Return(p.Buffer);
                }

                _due.Clear();
                lock (_gate)
                {
                    // Packets a handler sent meanwhile: arm for the earliest of them afresh.
                    if (!_disposed)
                    {
                        _armedFor = TimeSpan.MaxValue;
                        Arm(_time.GetElapsedTime(_epoch));
                    }
                }
            }
        }
    }

    private readonly record struct Pending(byte[] Buffer, int Length);
}
