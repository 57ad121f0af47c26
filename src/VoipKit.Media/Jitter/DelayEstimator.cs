namespace VoipKit.Media.Jitter;

/// <summary>
/// Estimates the playout delay that covers the network's jitter, the way NetEq does: each
/// packet's delay relative to the fastest packet of the last two seconds goes into a
/// histogram that forgets old packets; the target is a high quantile of it. It rises at
/// once when spikes appear and comes back down smoothly (a time constant of two seconds).
/// </summary>
internal sealed class DelayEstimator
{
    private const int BinMs = 5;
    private const double Forget = 0.983;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);
    private const double DecreaseTimeConstantSeconds = 2.0;

    private readonly double[] _histogram;
    private readonly double _quantile;
    private readonly double _minMs;
    private readonly double _maxMs;
    private readonly Queue<(TimeSpan Arrival, double Relative)> _recent = new();
    private double _targetMs;
    private TimeSpan _lastUpdate = TimeSpan.MinValue;
    private bool _hasSamples;

    public DelayEstimator(JitterBufferOptions options)
    {
        _quantile = options.DelayQuantile;
        _minMs = options.MinimumDelay.TotalMilliseconds;
        _maxMs = options.MaximumDelay.TotalMilliseconds;
        _histogram = new double[(int)(_maxMs / BinMs) + 1];
        _targetMs = Math.Clamp(options.InitialDelay.TotalMilliseconds, _minMs, _maxMs);
    }

    public TimeSpan Target => TimeSpan.FromMilliseconds(_targetMs);

    /// <summary>Adds a packet: its arrival time and its media time (timestamp in seconds from the stream's start).</summary>
    public void Add(TimeSpan arrival, double mediaSeconds)
    {
        double relative = arrival.TotalMilliseconds - (mediaSeconds * 1000);
        while (_recent.Count > 0 && arrival - _recent.Peek().Arrival > Window)
        {
            _recent.Dequeue();
        }

        _recent.Enqueue((arrival, relative));
        double fastest = double.MaxValue;
        foreach (var (_, r) in _recent)
        {
            fastest = Math.Min(fastest, r);
        }

        double delayMs = Math.Clamp(relative - fastest, 0, _maxMs);
        for (int i = 0; i < _histogram.Length; i++)
        {
            _histogram[i] *= Forget;
        }

        _histogram[(int)(delayMs / BinMs)] += 1 - Forget;
        _hasSamples = true;
        Update(arrival);
    }

    public void Reset(TimeSpan initial)
    {
        Array.Clear(_histogram);
        _recent.Clear();
        _targetMs = Math.Clamp(initial.TotalMilliseconds, _minMs, _maxMs);
        _hasSamples = false;
        _lastUpdate = TimeSpan.MinValue;
    }

    private void Update(TimeSpan now)
    {
        double total = 0;
        foreach (double h in _histogram)
        {
            total += h;
        }

        double acc = 0;
        int bin = _histogram.Length - 1;
        for (int i = 0; i < _histogram.Length; i++)
        {
            acc += _histogram[i];
            if (acc >= _quantile * total)
            {
                bin = i;
                break;
            }
        }

        // The quantile's upper bin edge plus the minimum: a packet that late still arrives in time.
        double wanted = Math.Clamp(((bin + 1) * BinMs) + _minMs - BinMs, _minMs, _maxMs);
        if (!_hasSamples)
        {
            return;
        }

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
