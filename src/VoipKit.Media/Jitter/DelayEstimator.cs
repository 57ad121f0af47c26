namespace VoipKit.Media.Jitter;

/// <summary>
/// Estimates the playout delay that covers the network's jitter, the way NetEq does: each
/// packet's delay relative to the fastest packet of the last two seconds goes into a
/// histogram that forgets old packets; the target is a high quantile of it. It rises at
/// once when spikes appear and comes back down smoothly (a time constant of two seconds).
/// </summary>
/// <remarks>
/// Packets that arrive in a clump right behind another (within <see cref="BurstSpan"/>, and
/// later in media time) do not count: on a FIFO path a late packet holds up the ones behind
/// it, and a sender whose timer fired late sends several at once; in both cases the lateness
/// is one event, already counted with the clump's first packet. Counting every packet of the
/// clump with its own (decreasing) delay would weigh one stall as many late packets and push
/// the quantile up; that is how a loaded machine's late timer ticks once drove the target to
/// 770 ms. (Counting them at full or half weight was measured too: on the 3g profile the mean
/// buffer delay was 185 or 164 ms with 2.8 or 3.0 % concealed, against 106 ms and 4.2 % when
/// they are skipped, which the E-model rates best: delay past ~180 ms mouth to ear costs more.) The target is also capped at <see cref="JitterBufferOptions.MaximumDelay"/>.
/// Nothing is allocated per packet: a ring buffer keeps the window's minimum, and instead of
/// decaying every bin per packet the weight of new packets grows (with a renormalisation
/// now and then).
/// </remarks>
internal sealed class DelayEstimator
{
    private const int BinMs = 5;
    private const double Forget = 0.983;
    private const double DecreaseTimeConstantSeconds = 2.0;
    private const double Renormalise = 1e100;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BurstSpan = TimeSpan.FromMilliseconds(5);

    private readonly double[] _histogram;
    private readonly double _quantile;
    private readonly double _minMs;
    private readonly double _maxMs;

    // Monotonic queue of (arrival, relative delay): its head is the window's fastest packet.
    private readonly long[] _minArrival = new long[1024];
    private readonly double[] _minRelative = new double[1024];
    private int _minHead;
    private int _minCount;

    private double _weight = 1;   // weight of the next packet: grows by 1/Forget per packet
    private double _total;
    private double _targetMs;
    private TimeSpan _lastUpdate = TimeSpan.MinValue;
    private TimeSpan _lastArrival = TimeSpan.MinValue;
    private double _lastMedia;

    // The last packet counted (a clump's first): its relative delay, and the bin and weight it went in with.
    private double _countedRelative;
    private int _countedBin = -1;
    private double _countedWeight;

    public DelayEstimator(JitterBufferOptions options)
    {
        _quantile = options.DelayQuantile;
        _minMs = options.MinimumDelay.TotalMilliseconds;
        _maxMs = Math.Max(_minMs, options.MaximumDelay.TotalMilliseconds);
        _histogram = new double[(int)(_maxMs / BinMs) + 1];
        _targetMs = Math.Clamp(options.InitialDelay.TotalMilliseconds, _minMs, _maxMs);
    }

    public TimeSpan Target => TimeSpan.FromMilliseconds(_targetMs);

    /// <summary>Packets not counted because they arrived in a clump behind another.</summary>
    public long BurstPackets { get; private set; }

    /// <summary>Adds a packet: its arrival time and its media time (timestamp in seconds from the stream's start).</summary>
    public void Add(TimeSpan arrival, double mediaSeconds)
    {
        double relative = arrival.TotalMilliseconds - (mediaSeconds * 1000);
        UpdateMinimum(arrival.Ticks, relative);
        // In a clump: close behind the previous arrival, and much closer than the media spacing.
        bool inBurst = false;
        if (_lastArrival != TimeSpan.MinValue)
        {
            double arrivalGapMs = (arrival - _lastArrival).TotalMilliseconds;
            inBurst = arrivalGapMs <= BurstSpan.TotalMilliseconds && arrivalGapMs * 2 < (mediaSeconds - _lastMedia) * 1000;
        }

        if (arrival > _lastArrival || _lastArrival == TimeSpan.MinValue)
        {
            _lastArrival = arrival;
        }

        _lastMedia = Math.Max(_lastMedia, mediaSeconds);
        if (inBurst)
        {
            BurstPackets++;
            RecountClumpFirst(arrival);
            return;
        }

        double delayMs = Math.Clamp(relative - _minRelative[_minHead], 0, _maxMs);
        double w = _weight * (1 - Forget);
        int bin = (int)(delayMs / BinMs);
        _histogram[bin] += w;
        _total += w;
        _countedRelative = relative;
        _countedBin = bin;
        _countedWeight = w;
        _weight /= Forget;
        if (_weight > Renormalise)
        {
            for (int i = 0; i < _histogram.Length; i++)
            {
                _histogram[i] /= _weight;
            }

            _total /= _weight;
            _countedWeight /= _weight;
            _weight = 1;
        }

        Update(arrival);
    }

    // A packet of a clump that is faster than any before it shows how late the clump's first packet
    // really was: a stream whose first two packets arrive together (its sender's first timer tick
    // came late and sent what it owed) counted its first packet as on time, the fastest so far,
    // and playout could start on the clump with a target that ignored it. The clump's lateness
    // still counts once, with its first packet: that packet's count moves to its true delay.
    private void RecountClumpFirst(TimeSpan arrival)
    {
        if (_countedBin < 0)
        {
            return;
        }

        int bin = (int)(Math.Clamp(_countedRelative - _minRelative[_minHead], 0, _maxMs) / BinMs);
        if (bin <= _countedBin)
        {
            return;
        }

        _histogram[_countedBin] = Math.Max(0, _histogram[_countedBin] - _countedWeight);
        _histogram[bin] += _countedWeight;
        _countedBin = bin;
        Update(arrival);
    }

    public void Reset(TimeSpan initial)
    {
        Array.Clear(_histogram);
        _minHead = 0;
        _minCount = 0;
        _weight = 1;
        _total = 0;
        _targetMs = Math.Clamp(initial.TotalMilliseconds, _minMs, _maxMs);
        _lastUpdate = TimeSpan.MinValue;
        _lastArrival = TimeSpan.MinValue;
        _lastMedia = 0;
        _countedBin = -1;
    }

    private void UpdateMinimum(long arrivalTicks, double relative)
    {
        int cap = _minArrival.Length;
        while (_minCount > 0 && arrivalTicks - _minArrival[_minHead] > Window.Ticks)
        {
            _minHead = (_minHead + 1) % cap;
            _minCount--;
        }

        // Drop entries at the tail that are no faster than this one: they can never be the minimum again.
        while (_minCount > 0 && _minRelative[(_minHead + _minCount - 1) % cap] >= relative)
        {
            _minCount--;
        }

        if (_minCount == cap)
        {
            _minHead = (_minHead + 1) % cap; // more packets in 2 s than tracked: forget the oldest
            _minCount--;
        }

        int tail = (_minHead + _minCount) % cap;
        _minArrival[tail] = arrivalTicks;
        _minRelative[tail] = relative;
        _minCount++;
    }

    private void Update(TimeSpan now)
    {
        double acc = 0;
        double wantedMass = _quantile * _total;
        int bin = _histogram.Length - 1;
        for (int i = 0; i < _histogram.Length; i++)
        {
            acc += _histogram[i];
            if (acc >= wantedMass)
            {
                bin = i;
                break;
            }
        }

        // The quantile's upper bin edge plus the minimum: a packet that late still arrives in time.
        double wanted = Math.Clamp(((bin + 1) * BinMs) + _minMs - BinMs, _minMs, _maxMs);
        if (wanted >= _targetMs)
        {
            _targetMs = wanted;
        }
        else if (_lastUpdate != TimeSpan.MinValue)
        {
            double dt = Math.Max(0, (now - _lastUpdate).TotalSeconds);
            _targetMs -= (_targetMs - wanted) * Math.Min(1, dt / DecreaseTimeConstantSeconds);
        }

        _lastUpdate = now;
    }
}
