using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// RFC 4028 session timer of one dialog. The refresher re-sends the session at half the interval; the other side sends
/// BYE when the interval minus min(32 s, interval/3) passes without a refresh (section 10).
/// </summary>
internal sealed class SipSessionTimer
{
    private readonly TimeProvider _time;
    private readonly Action _refresh;
    private readonly Action _expire;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _disposed;

    public SipSessionTimer(TimeProvider time, Action refresh, Action expire)
    {
        _time = time;
        _refresh = refresh;
        _expire = expire;
    }

    /// <summary>RFC 4028's floor for any session interval.</summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromSeconds(90);

    /// <summary>A day: longer sessions are refreshed daily anyway.</summary>
    public static TimeSpan MaximumInterval { get; } = TimeSpan.FromDays(1);

    public TimeSpan? Interval { get; private set; }

    public bool WeRefresh { get; private set; }

    public void Start(TimeSpan interval, bool weRefresh)
    {
        // A peer's absurd value neither makes a refresh storm nor overflows a timer.
        interval = interval < MinimumInterval ? MinimumInterval : interval > MaximumInterval ? MaximumInterval : interval;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Interval = interval;
            WeRefresh = weRefresh;
            TimeSpan due = weRefresh ? interval / 2 : interval - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(32).Ticks, interval.Ticks / 3));
            _timer?.Dispose();
            _timer = _time.CreateTimer(static s => ((SipSessionTimer)s!).Fire(), this, due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The refresh failed for a reason that does not end the session: try again shortly, before the peer's expiry.</summary>
    public void RetryRefresh()
    {
        lock (_gate)
        {
            if (_disposed || Interval is not { } interval || !WeRefresh)
            {
                return;
            }

            TimeSpan due = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, interval.Ticks / 8));
            _timer?.Dispose();
            _timer = _time.CreateTimer(static s => ((SipSessionTimer)s!).Fire(), this, due, Timeout.InfiniteTimeSpan);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            Interval = null;
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Adds the UAC's Session-Expires, Min-SE and Supported: timer to an INVITE or UPDATE.</summary>
    /// <remarks>
    /// <paramref name="peerMinSe"/> is the largest Min-SE a 422 asked for in this session: RFC 4028 7.4 has every later
    /// request carry it.
    /// </remarks>
    public static void AddRequestHeaders(SipRequest request, SipUserAgentOptions options, TimeSpan? interval = null, TimeSpan? peerMinSe = null)
    {
        TimeSpan se = interval ?? options.SessionExpires;
        if (se <= TimeSpan.Zero)
        {
            return;
        }

        TimeSpan minSe = peerMinSe is { } asked && asked > options.MinSessionExpires ? asked : options.MinSessionExpires;
        request.SetHeader(SipHeaderNames.SessionExpires, Seconds(se > minSe ? se : minSe));
        request.SetHeader(SipHeaderNames.MinSE, Seconds(minSe));
    }

    /// <summary>
    /// The UAS side of RFC 4028 section 9: the interval and refresher to grant, or a 422 when the asked interval is
    /// below our Min-SE.
    /// </summary>
    public static SessionAnswer Answer(SipRequest request, SipUserAgentOptions options)
    {
        SipSessionExpires? asked = request.SessionExpires;
        bool uacSupports = Contains(request.Supported, "timer") || Contains(request.Require, "timer");
        if (asked is not null && asked.Seconds < options.MinSessionExpires.TotalSeconds)
        {
            // Section 9: 422 only to a UAC that supports timers; for any other, raise it to our Min-SE and refresh ourselves.
            return uacSupports ? new SessionAnswer(422, null, null) : new SessionAnswer(200, options.MinSessionExpires, "uas");
        }

        if (asked is null)
        {
            // The UAC did not ask; when we want timers we refresh ourselves unless it says it can (section 9).
            return options.SessionExpires <= TimeSpan.Zero
                ? new SessionAnswer(200, null, null)
                : new SessionAnswer(200, options.SessionExpires, uacSupports ? "uac" : "uas");
        }

        TimeSpan granted = TimeSpan.FromSeconds(Math.Min(asked.Seconds, MaximumInterval.TotalSeconds));
        if (options.SessionExpires > TimeSpan.Zero && options.SessionExpires < granted)
        {
            // We may shorten it, never below the Min-SE the request carried (section 9).
            TimeSpan floor = TimeSpan.FromSeconds(Math.Max(request.MinSE ?? 90u, (uint)options.MinSessionExpires.TotalSeconds));
            granted = options.SessionExpires > floor ? options.SessionExpires : floor;
        }

        string refresher = asked.Refresher is "uac" or "uas" ? asked.Refresher : uacSupports ? "uac" : "uas";
        return new SessionAnswer(200, granted, refresher);
    }

    /// <summary>Writes the granted interval into a 2xx (and Require: timer when the UAC refreshes).</summary>
    public static void AddResponseHeaders(SipResponse response, SessionAnswer answer)
    {
        if (answer.Interval is not { } interval)
        {
            return;
        }

        response.SetHeader(SipHeaderNames.SessionExpires, Seconds(interval) + ";refresher=" + answer.Refresher);
        if (answer.Refresher == "uac")
        {
            response.SetHeader(SipHeaderNames.Require, "timer");
        }
    }

    /// <summary>Reads the interval a 2xx granted: (interval, we refresh) from the view of the transaction's UAC, or null.</summary>
    public static (TimeSpan Interval, bool UacRefreshes)? FromResponse(SipResponse response)
    {
        if (response.SessionExpires is not { } se || se.Seconds == 0)
        {
            return null;
        }

        return (TimeSpan.FromSeconds(se.Seconds), se.Refresher != "uas");
    }

    public static string Seconds(TimeSpan t) => ((uint)Math.Ceiling(t.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool Contains(IReadOnlyList<string> tokens, string value)
    {
        foreach (string t in tokens)
        {
            if (t.Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void Fire()
    {
        bool refresh;
        lock (_gate)
        {
            if (_disposed || Interval is null)
            {
                return;
            }

            refresh = WeRefresh;
        }

        if (refresh)
        {
            _refresh();
        }
        else
        {
            _expire();
        }
    }

    internal readonly record struct SessionAnswer(int StatusCode, TimeSpan? Interval, string? Refresher);
}
