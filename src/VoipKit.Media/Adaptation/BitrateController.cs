namespace VoipKit.Media.Adaptation;

/// <summary>
/// Chooses the Opus bitrate, FEC, loss hint and frame duration from what the network
/// reports, in the spirit of Google Congestion Control (draft-ietf-rmcat-gcc-02): a
/// loss-based rate from RTCP receiver reports and a delay-based rate from per-packet
/// arrival feedback (transport-wide CC), the lower of the two wins. Bounded, and smooth:
/// on a steady network the target settles and stays. Not thread-safe; time comes in as
/// arguments, so it runs the same in virtual time.
/// </summary>
public sealed class BitrateController
{
    private static readonly TimeSpan MinChangeInterval = TimeSpan.FromMilliseconds(200);
    private const int TrendWindow = 20;
    private const double TrendGain = 4.0;
    private const double ThresholdUp = 0.01;     // K_u
    private const double ThresholdDown = 0.00018; // K_d
    private static readonly TimeSpan GroupSpan = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan OveruseTime = TimeSpan.FromMilliseconds(100);
    private const int MinOveruseGroups = 4;
    private static readonly TimeSpan CapacityMemory = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BurstSpan = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBurstDuration = TimeSpan.FromMilliseconds(100);

    private readonly BitrateControllerOptions _options;
    private double _lossBased;
    private double _delayBased;
    private double _smoothedLoss;
    private TimeSpan _lastLossChange = TimeSpan.MinValue;
    private TimeSpan _lastDelayUpdate = TimeSpan.MinValue;
    private int _frameMs = 20;

    // Delay-based state: packet groups, trendline over (arrival, accumulated delay).
    private TimeSpan _groupFirstSend = TimeSpan.MinValue;
    private TimeSpan _groupLastSend;
    private TimeSpan _groupFirstArrival;
    private TimeSpan _groupLastArrival;
    private TimeSpan _prevGroupSend = TimeSpan.MinValue;
    private TimeSpan _prevGroupArrival;
    private double _accumulatedDelayMs;
    private double _smoothedDelayMs;
    private readonly (double X, double Y)[] _trend = new (double, double)[TrendWindow];
    private int _trendCount;
    private int _trendNext;
    private int _deltaCount;
    private TimeSpan _lastDetect = TimeSpan.MinValue;
    private double _capacityEstimate = double.NaN;
    private TimeSpan _firstArrival = TimeSpan.MinValue;
    private double _threshold = 12.5;
    private double _previousTrend;
    private TimeSpan _overuseSince = TimeSpan.MinValue;
    private int _overuseGroups;
    private TimeSpan _lastOveruse = TimeSpan.MinValue;
    private BandwidthUsage _usage = BandwidthUsage.Normal;
    private readonly Queue<(TimeSpan At, int Bytes)> _arrivals = new();
    private long _arrivedBytes;

    /// <summary>Creates a controller.</summary>
    /// <param name="options">Bounds and start point; defaults when null.</param>
    public BitrateController(BitrateControllerOptions? options = null)
    {
        _options = options ?? new BitrateControllerOptions();
        if (_options.MinBitrate <= 0 || _options.MaxBitrate < _options.MinBitrate || _options.StartBitrate < _options.MinBitrate || _options.StartBitrate > _options.MaxBitrate)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Need 0 < MinBitrate <= StartBitrate <= MaxBitrate.");
        }

        // The loss- and delay-based rates are link rates (codec plus packet overhead); the
        // options bound the codec, so the link bounds add the overhead at 60 ms and 20 ms frames.
        _minLinkRate = _options.MinBitrate + Overhead(60);
        _maxLinkRate = _options.MaxBitrate + Overhead(20);
        if (_options.PreferredFrameMilliseconds is not (10 or 20 or 40 or 60))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.PreferredFrameMilliseconds, "Opus frames for calls are 10, 20, 40 or 60 ms.");
        }

        _frameMs = _options.PreferredFrameMilliseconds;
        _lossBased = _options.StartBitrate + Overhead(_frameMs);
        _delayBased = _maxLinkRate;
    }

    private readonly double _minLinkRate;
    private readonly double _maxLinkRate;

    private double Overhead(int frameMs) => _options.OverheadBytesPerPacket * 8.0 * (1000.0 / frameMs);

    /// <summary>The current decision.</summary>
    public BitrateDecision Current => Decide();

    /// <summary>The delay detector's view of the path: normal, over-used (queues growing) or under-used.</summary>
    public BandwidthUsage Usage => _usage;

    /// <summary>The loss rate as smoothed over recent reports, 0–1.</summary>
    public double SmoothedLoss => _smoothedLoss;

    /// <summary>Feeds an RTCP receiver report block about our stream.</summary>
    /// <param name="now">When the report arrived.</param>
    /// <param name="fractionLost">The report's fraction lost, 0–1.</param>
    /// <returns>The decision after this report.</returns>
    public BitrateDecision OnReceiverReport(TimeSpan now, double fractionLost)
    {
        double loss = Math.Clamp(double.IsNaN(fractionLost) ? 0 : fractionLost, 0, 1);
        _smoothedLoss = (0.7 * _smoothedLoss) + (0.3 * loss);
        if (_lastLossChange != TimeSpan.MinValue && now - _lastLossChange < MinChangeInterval)
        {
            return Decide();
        }

        // GCC's loss-based rule: back off above 10 %, probe up below 2 %, hold between. It is
        // applied to the smoothed loss: one report covers only ~50 packets, and acting on each
        // one's noise would ratchet the rate down on a path whose loss merely hovers near 10 %.
        loss = _smoothedLoss;
        if (loss > 0.10)
        {
            _lossBased *= 1 - (0.5 * loss);
            _lastLossChange = now;
        }
        else if (loss < 0.02)
        {
            _lossBased = (_lossBased * 1.05) + 1000;
            _lastLossChange = now;
        }

        _lossBased = Math.Clamp(_lossBased, _minLinkRate, _maxLinkRate);
        return Decide();
    }

    /// <summary>
    /// Feeds what happened to one sent packet (from transport-wide CC feedback or an equivalent).
    /// Call in send order.
    /// </summary>
    /// <param name="sendTime">When we sent it, on our clock.</param>
    /// <param name="arrivalTime">When it arrived, on the receiver's clock (any fixed offset is fine), or null if it was lost.</param>
    /// <param name="bytes">Its size on the wire.</param>
    /// <returns>The decision after this feedback.</returns>
    public BitrateDecision OnPacketFeedback(TimeSpan sendTime, TimeSpan? arrivalTime, int bytes)
    {
        if (arrivalTime is not { } arrival)
        {
            return Decide();
        }

        TrackReceiveRate(arrival, bytes);
        if (_groupFirstSend == TimeSpan.MinValue)
        {
            StartGroup(sendTime, arrival);
            return Decide();
        }

        if (BelongsToGroup(sendTime, arrival))
        {
            _groupLastSend = sendTime > _groupLastSend ? sendTime : _groupLastSend;
            _groupLastArrival = arrival > _groupLastArrival ? arrival : _groupLastArrival;
            return Decide();
        }

        // A group ended: its delay variation against the previous group feeds the trendline.
        if (_prevGroupSend != TimeSpan.MinValue)
        {
            double sendDelta = (_groupLastSend - _prevGroupSend).TotalMilliseconds;
            double arrivalDelta = (_groupLastArrival - _prevGroupArrival).TotalMilliseconds;
            UpdateTrend(_groupLastArrival, arrivalDelta - sendDelta);
        }

        _prevGroupSend = _groupLastSend;
        _prevGroupArrival = _groupLastArrival;
        StartGroup(sendTime, arrival);
        UpdateDelayBasedRate(arrival);
        return Decide();
    }

    private void StartGroup(TimeSpan send, TimeSpan arrival)
    {
        _groupFirstSend = send;
        _groupLastSend = send;
        _groupFirstArrival = arrival;
        _groupLastArrival = arrival;
    }

    // GCC 5.2 packet grouping: packets sent within 5 ms are one group, and so are packets that
    // arrive in a burst (within 5 ms of the group's last arrival, and sooner after it than they
    // were sent) for up to 100 ms. A burst is what a FIFO path delivers after a jitter spike or
    // a late sender timer: the packets queued behind the late one. Counting each as its own
    // group would turn one spike into a rise and a long fall of the delay curve, which the
    // trendline reads as queue growth; as one group the spike is a single step.
    private bool BelongsToGroup(TimeSpan send, TimeSpan arrival)
    {
        if (send - _groupFirstSend <= GroupSpan)
        {
            return true;
        }

        TimeSpan arrivalDelta = arrival - _groupLastArrival;
        TimeSpan sendDelta = send - _groupLastSend;
        return arrivalDelta <= BurstSpan && arrivalDelta < sendDelta && arrival - _groupFirstArrival < MaxBurstDuration;
    }

    private void TrackReceiveRate(TimeSpan arrival, int bytes)
    {
        _arrivals.Enqueue((arrival, bytes));
        _arrivedBytes += bytes;
        while (_arrivals.Count > 0 && arrival - _arrivals.Peek().At > TimeSpan.FromSeconds(1))
        {
            _arrivedBytes -= _arrivals.Dequeue().Bytes;
        }
    }

    private double ReceiveRate()
    {
        if (_arrivals.Count < 2)
        {
            return 0;
        }

        double seconds = Math.Max(0.1, (_arrivals.Last().At - _arrivals.Peek().At).TotalSeconds);
        return _arrivedBytes * 8 / seconds;
    }

    private void UpdateTrend(TimeSpan arrival, double delayVariationMs)
    {
        if (_firstArrival == TimeSpan.MinValue)
        {
            _firstArrival = arrival;
        }

        _accumulatedDelayMs += delayVariationMs;
        _smoothedDelayMs = (0.9 * _smoothedDelayMs) + (0.1 * _accumulatedDelayMs);
        _trend[_trendNext] = ((arrival - _firstArrival).TotalMilliseconds, _smoothedDelayMs);
        _trendNext = (_trendNext + 1) % TrendWindow;
        _trendCount = Math.Min(_trendCount + 1, TrendWindow);
        _deltaCount = Math.Min(_deltaCount + 1, 60);
        if (_trendCount < TrendWindow)
        {
            return;
        }

        // Least-squares slope of smoothed delay over arrival time: the queue's growth rate.
        double meanX = 0, meanY = 0;
        foreach (var (x, y) in _trend)
        {
            meanX += x;
            meanY += y;
        }

        meanX /= TrendWindow;
        meanY /= TrendWindow;
        double num = 0, den = 0;
        foreach (var (x, y) in _trend)
        {
            num += (x - meanX) * (y - meanY);
            den += (x - meanX) * (x - meanX);
        }

        double slope = den == 0 ? 0 : num / den;
        double modified = _deltaCount * slope * TrendGain;
        Detect(arrival, modified);
    }

    private void Detect(TimeSpan now, double trend)
    {
        if (trend > _threshold)
        {
            if (_overuseSince == TimeSpan.MinValue)
            {
                _overuseSince = now;
            }

            // Over-use needs the trend above the threshold for 100 ms over at least four groups
            // in a row, and still rising. GCC 5.4 asks for 10 ms, which suits video's many
            // packets per millisecond; an audio stream has one packet per 20 ms, and a stall of
            // a loaded machine (or one jitter step) lifts the smoothed trend for two or three
            // groups, while a queue that really builds keeps it up for hundreds of milliseconds.
            _overuseGroups++;
            if (now - _overuseSince >= OveruseTime && _overuseGroups >= MinOveruseGroups && trend >= _previousTrend)
            {
                _usage = BandwidthUsage.Overusing;
                _lastOveruse = now;
            }
        }
        else if (trend < -_threshold)
        {
            _overuseSince = TimeSpan.MinValue;
            _overuseGroups = 0;
            _usage = BandwidthUsage.Underusing;
        }
        else
        {
            _overuseSince = TimeSpan.MinValue;
            _overuseGroups = 0;
            _usage = BandwidthUsage.Normal;
        }

        // Adaptive threshold (GCC 5.4): follows the trend quickly upwards, slowly downwards,
        // scaled by the time since the last update (in ms, at most 100).
        double k = Math.Abs(trend) < _threshold ? ThresholdDown : ThresholdUp;
        double dt = _lastDetect == TimeSpan.MinValue ? 0 : Math.Min(100, (now - _lastDetect).TotalMilliseconds);
        _lastDetect = now;
        if (Math.Abs(trend) < _threshold + 15)
        {
            _threshold += k * (Math.Abs(trend) - _threshold) * dt;
            _threshold = Math.Clamp(_threshold, 6, 600);
        }

        _previousTrend = trend;
    }

    private void UpdateDelayBasedRate(TimeSpan now)
    {
        double elapsed = _lastDelayUpdate == TimeSpan.MinValue ? 0 : Math.Min((now - _lastDelayUpdate).TotalSeconds, 1.0);
        _lastDelayUpdate = now;
        double received = ReceiveRate();
        double before = _delayBased;
        switch (_usage)
        {
            case BandwidthUsage.Overusing:
            {
                // What got through while queues grew is the best estimate of the capacity.
                if (received > 0)
                {
                    _capacityEstimate = double.IsNaN(_capacityEstimate) ? received : (0.8 * _capacityEstimate) + (0.2 * received);
                }

                double target = 0.85 * (received > 0 ? received : _delayBased);
                if (target < _delayBased)
                {
                    _delayBased = target;
                }

                break;
            }

            case BandwidthUsage.Underusing:
                break; // hold: the queue is draining
            default:
                if (!double.IsNaN(_capacityEstimate) && now - _lastOveruse > CapacityMemory)
                {
                    // A real bottleneck shows itself again within seconds of probing near it;
                    // an estimate nothing has confirmed for this long came from a jitter false
                    // alarm or a path that has since improved: forget it and probe faster.
                    _capacityEstimate = double.NaN;
                }

                if (!double.IsNaN(_capacityEstimate) && _delayBased > 0.85 * _capacityEstimate)
                {
                    // Near the capacity found before: creep up additively, about 1 kbit/s each
                    // second, and only half that once past it (a slow probe for more room).
                    _delayBased += (_delayBased < _capacityEstimate ? 1000 : 500) * elapsed;
                }
                else
                {
                    _delayBased *= Math.Pow(1.08, elapsed);
                }

                break;
        }

        // Never let the delay-based rate grow far ahead of what actually arrives (once a
        // reliable receive rate, half a second of arrivals, is known). This only limits
        // increases: a jitter spike stalls arrivals for a moment, and a cap that also cut
        // the rate would ratchet it down at every spike.
        if (_delayBased > before && received > 0 && _arrivals.Count > 1 && _arrivals.Last().At - _arrivals.Peek().At >= TimeSpan.FromMilliseconds(500))
        {
            double limit = (1.5 * received) + 10_000;
            _delayBased = Math.Min(_delayBased, Math.Max(before, limit));
        }

        _delayBased = Math.Clamp(_delayBased, _minLinkRate, _maxLinkRate);
    }

    private BitrateDecision Decide()
    {
        double totalRate = Math.Min(_lossBased, _delayBased);

        // Frame duration: longer frames when the link rate leaves too little for the codec
        // after per-packet overhead (20 ms frames cost 20 kbit/s of headers, 60 ms frames 6.7),
        // with hysteresis against flapping.
        // Never shorter than the peer's preferred ptime; longer only while bandwidth is scarce.
        int preferred = _options.PreferredFrameMilliseconds;
        _frameMs = _frameMs switch
        {
            10 or 20 when totalRate < 26_000 => Math.Max(40, preferred),
            40 when totalRate < 15_000 => 60,
            40 when totalRate > 32_000 && preferred < 40 => preferred,
            60 when totalRate > 19_000 && preferred < 60 => Math.Max(40, preferred),
            _ => _frameMs,
        };

        // The target covers the codec only: take the per-packet overhead out of the link rate.
        double overhead = Overhead(_frameMs);
        int codec = (int)Math.Clamp(totalRate - overhead, _options.MinBitrate, _options.MaxBitrate);
        int lossPercent = (int)Math.Clamp(Math.Ceiling(_smoothedLoss * 100), 0, 30);
        // In-band FEC whenever there is loss; libopus itself sizes (or skips) it at low bitrates.
        bool fec = _options.AllowInbandFec && _smoothedLoss > 0.01;
        return new BitrateDecision(codec, fec, lossPercent, _frameMs);
    }
}
