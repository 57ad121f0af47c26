using VoipKit.Signaling.Transactions;

namespace VoipKit.Signaling.UserAgent;

/// <summary>
/// The answerer's 2xx retransmission (RFC 3261 13.3.1.4): resend at T1, doubling up to T2, until the ACK comes or
/// 64*T1 passes.
/// </summary>
internal sealed class SipAckWaiter : IDisposable
{
    private readonly TimeProvider _time;
    private readonly SipTransactionOptions _options;
    private readonly Action _resend;
    private readonly Action _timeout;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private TimeSpan _interval;
    private TimeSpan _elapsed;
    private bool _stopped;

    public SipAckWaiter(TimeProvider time, SipTransactionOptions options, Action resend, Action timeout)
    {
        _time = time;
        _options = options;
        _resend = resend;
        _timeout = timeout;
    }

    /// <summary>True when the ACK came, false when 64*T1 passed.</summary>
    public Task<bool> Completion => _done.Task;

    /// <summary>Starts the resend timer, unless the ACK came (or the wait was disposed) before.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _interval = _options.T1;
            _timer = _time.CreateTimer(static s => ((SipAckWaiter)s!).Tick(), this, _interval, Timeout.InfiniteTimeSpan);
        }
    }

    public bool Acknowledge()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }

        return _done.TrySetResult(true);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }

        _done.TrySetResult(false);
    }

    private void Tick()
    {
        bool expired;
        lock (_gate)
        {
            if (_timer is null)
            {
                return;
            }

            _elapsed += _interval;
            expired = _elapsed >= _options.T1 * 64;
            if (expired)
            {
                _timer.Dispose();
                _timer = null;
            }
            else
            {
                _interval = _interval * 2 < _options.T2 ? _interval * 2 : _options.T2;
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
        }

        if (expired)
        {
            if (_done.TrySetResult(false))
            {
                _timeout();
            }
        }
        else
        {
            _resend();
        }
    }
}
