namespace VoipKit.Media.Simulation;

/// <summary>
/// The arithmetic of one direction of a simulated network path: for each packet sent at a
/// given time, whether and when it arrives. Deterministic from its seed; it keeps no clock
/// of its own, so it runs equally in real or virtual time. Not thread-safe.
/// </summary>
/// <remarks>
/// Order of effects per packet: the bandwidth cap (serialisation at the bottleneck with a
/// drop-tail queue, so overshooting first adds delay, then loss), then path loss, then
/// propagation delay with jitter and spikes. Packets keep their order (a later packet never
/// arrives before an earlier one) unless picked for reordering.
/// </remarks>
public sealed class SimulatedLink
{
    private static readonly TimeSpan MaxSpike = TimeSpan.FromSeconds(2);
    private readonly NetworkProfile _profile;
    private ulong _rng;
    private bool _badState;
    private long _index;
    private TimeSpan _lastDeparture = TimeSpan.MinValue;
    private TimeSpan _lastArrival = TimeSpan.MinValue;
    private long _delivered;
    private long _lost;
    private long _queueDrops;
    private long _duplicated;
    private long _reordered;

    /// <summary>Creates a link.</summary>
    /// <param name="profile">The path's behaviour.</param>
    /// <param name="seed">Seeds the random choices; the same seed and sends give the same outcomes.</param>
    public SimulatedLink(NetworkProfile profile, int seed)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _rng = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL;
        if (_rng == 0)
        {
            _rng = 1;
        }
    }

    /// <summary>The profile the link follows.</summary>
    public NetworkProfile Profile => _profile;

    /// <summary>The counters so far.</summary>
    public LinkStatistics Statistics => new(_index, _delivered, _lost, _queueDrops, _duplicated, _reordered);

    /// <summary>Decides the fate of a packet of <paramref name="size"/> bytes sent at <paramref name="sendTime"/>.</summary>
    /// <param name="sendTime">When it is sent; calls must not go back in time.</param>
    /// <param name="size">Its size in bytes, including whatever headers the cap should count.</param>
    /// <returns>The verdict.</returns>
    public LinkVerdict Transmit(TimeSpan sendTime, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        long index = _index++;

        // 1. The bottleneck: a queue that drains at the link rate.
        TimeSpan departure = sendTime;
        if (_profile.BandwidthBitsPerSecond > 0)
        {
            TimeSpan start = _lastDeparture > sendTime ? _lastDeparture : sendTime;
            double backlogBytes = (start - sendTime).TotalSeconds * _profile.BandwidthBitsPerSecond / 8;
            if (backlogBytes + size > _profile.QueueBytes)
            {
                _queueDrops++;
                return new LinkVerdict(LinkFate.QueueDrop, default, null, false);
            }

            departure = start + TimeSpan.FromSeconds(size * 8.0 / _profile.BandwidthBitsPerSecond);
            _lastDeparture = departure;
        }

        // 2. Loss, then 3. delay: from the trace when there is one, else from the models.
        TimeSpan delay;
        if (_profile.Trace is { } trace)
        {
            TimeSpan? traced = trace.DelayOf(index);
            if (traced is null)
            {
                _lost++;
                return new LinkVerdict(LinkFate.Lost, default, null, false);
            }

            delay = traced.Value;
        }
        else
        {
            if (IsLost())
            {
                _lost++;
                return new LinkVerdict(LinkFate.Lost, default, null, false);
            }

            delay = _profile.Delay + Jitter();
        }

        TimeSpan arrival = departure + delay;
        bool reordered = _profile.ReorderProbability > 0 && NextUnit() < _profile.ReorderProbability;
        if (reordered)
        {
            // Held back: later packets overtake it, and it does not hold them up.
            arrival += _profile.ReorderDelay;
            _reordered++;
        }
        else
        {
            if (arrival < _lastArrival)
            {
                arrival = _lastArrival;
            }

            _lastArrival = arrival;
        }

        TimeSpan? duplicate = null;
        if (_profile.DuplicateProbability > 0 && NextUnit() < _profile.DuplicateProbability)
        {
            duplicate = arrival + TimeSpan.FromMilliseconds(1 + (NextUnit() * 10));
            _duplicated++;
        }

        _delivered++;
        return new LinkVerdict(LinkFate.Delivered, arrival, duplicate, reordered);
    }

    private bool IsLost()
    {
        LossModel m = _profile.Loss;
        if (ReferenceEquals(m, LossModel.None))
        {
            return false;
        }

        _badState = _badState ? NextUnit() >= m.BadToGood : NextUnit() < m.GoodToBad;
        double p = _badState ? m.LossInBad : m.LossInGood;
        return p > 0 && NextUnit() < p;
    }

    private TimeSpan Jitter()
    {
        double ms = 0;
        double sigma = _profile.JitterStdDev.TotalMilliseconds;
        if (sigma > 0)
        {
            ms += Math.Abs(NextGaussian()) * sigma;
        }

        if (_profile.SpikeProbability > 0 && NextUnit() < _profile.SpikeProbability)
        {
            // Pareto: scale / U^(1/shape), capped so one draw cannot stall the simulation.
            double u = Math.Max(NextUnit(), 1e-12);
            double spike = _profile.SpikeScale.TotalMilliseconds / Math.Pow(u, 1 / _profile.SpikeShape);
            ms += Math.Min(spike, MaxSpike.TotalMilliseconds);
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    private double NextGaussian()
    {
        // Box–Muller; one of the pair is enough here.
        double u1 = Math.Max(NextUnit(), 1e-300);
        double u2 = NextUnit();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private double NextUnit()
    {
        // xorshift64*: a portable, seeded, non-secret generator so runs repeat exactly everywhere.
        _rng ^= _rng >> 12;
        _rng ^= _rng << 25;
        _rng ^= _rng >> 27;
        return ((_rng * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
    }
}
