namespace VoipKit.Media.Rtcp;

/// <summary>
/// When to send the next RTCP report: RFC 3550 6.3 and A.7 with forward timer reconsideration
/// (on expiry the interval is recomputed from the current state, and the report is sent only if
/// the last send plus that interval has passed). Times are <see cref="TimeSpan"/>s on any monotonic
/// clock (e.g. <see cref="TimeProvider.GetElapsedTime(long)"/> since the call started). Not thread-safe.
/// </summary>
public sealed class RtcpScheduler
{
    private readonly RtcpIntervalCalculator _calculator;
    private TimeSpan _lastSent;
    private bool _started;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="calculator">Computes the randomized interval.</param>
    public RtcpScheduler(RtcpIntervalCalculator calculator)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        _calculator = calculator;
    }

    /// <summary>Whether no report has been sent yet (the minimum interval is halved until then).</summary>
    public bool Initial { get; private set; } = true;

    /// <summary>When the next report is due (tn), once started.</summary>
    public TimeSpan NextTransmission { get; private set; }

    /// <summary>Session members, ourselves included (2 in a 1:1 call once the remote has been heard).</summary>
    public int Members { get; set; } = 1;

    /// <summary>Members that sent RTP recently, ourselves included.</summary>
    public int Senders { get; set; }

    /// <summary>Whether we sent RTP since the report before last.</summary>
    public bool WeSent { get; set; }

    /// <summary>Starts the schedule at the beginning of the session.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>When the first report is due.</returns>
    public TimeSpan Start(TimeSpan now)
    {
        _started = true;
        _lastSent = now;
        NextTransmission = now + Interval();
        return NextTransmission;
    }

    /// <summary>
    /// The timer fired. With forward reconsideration: if the last report plus a freshly computed
    /// interval is due, the caller sends a report now (and must call <see cref="OnRtcpSent"/>);
    /// otherwise the timer is set again for <see cref="NextTransmission"/>.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <returns>Whether to send a report now.</returns>
    public bool OnTimerExpired(TimeSpan now)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Start the scheduler first.");
        }

        TimeSpan due = _lastSent + Interval();
        if (due <= now)
        {
            return true;
        }

        NextTransmission = due;
        return false;
    }

    /// <summary>Records that a compound report was sent; schedules the next one.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="sizeWithHeaders">Its size including IP and UDP headers.</param>
    /// <returns>When the next report is due.</returns>
    public TimeSpan OnRtcpSent(TimeSpan now, int sizeWithHeaders)
    {
        _calculator.OnRtcpPacket(sizeWithHeaders);
        _lastSent = now;
        Initial = false;
        NextTransmission = now + Interval();
        return NextTransmission;
    }

    /// <summary>Records a received compound report (it moves the average size).</summary>
    /// <param name="sizeWithHeaders">Its size including IP and UDP headers.</param>
    public void OnRtcpReceived(int sizeWithHeaders) => _calculator.OnRtcpPacket(sizeWithHeaders);

    private TimeSpan Interval() => _calculator.ComputeInterval(Members, Senders, WeSent, Initial);
}
