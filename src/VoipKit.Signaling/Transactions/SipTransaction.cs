using System.Net;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>
/// Common part of the four transaction state machines (RFC 3261 17, RFC 6026): state, timers on the layer's
/// <see cref="TimeProvider"/>, sending outside the lock, and removal from the layer on termination.
/// </summary>
internal abstract class SipTransaction : IDisposable
{
    private readonly List<TimerSlot> _timers = [];
    private readonly TaskCompletionSource<SipTransactionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipTransactionState _state;

    private protected SipTransaction(SipTransactionLayer layer, SipRequest request, EndPoint remote, string key, SipTransactionState initial)
    {
        Layer = layer;
        Request = request;
        RemoteEndPoint = remote;
        Key = key;
        _state = initial;
    }

    /// <summary>The request that created the transaction.</summary>
    public SipRequest Request { get; }

    /// <summary>Where requests are sent (client) or where the request came from and responses go (server).</summary>
    public EndPoint RemoteEndPoint { get; }

    /// <summary>The current state.</summary>
    public SipTransactionState State
    {
        get
        {
            lock (Gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Client: completes with the final response, a timeout or a transport error. Server: completes when the
    /// transaction terminates (Response, or TimedOut when timer H fired, or TransportError).
    /// </summary>
    public Task<SipTransactionResult> Completion => _completion.Task;

    /// <summary>The key in the layer's table.</summary>
    internal string Key { get; }

    private protected SipTransactionLayer Layer { get; }

    private protected Lock Gate { get; } = new();

    private protected bool Reliable => Layer.Sender.IsReliable;

    private protected SipTransactionOptions Options => Layer.Options;

    /// <summary>The state; read and written under <see cref="Gate"/>.</summary>
    private protected SipTransactionState CurrentState
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Stops every timer and removes the transaction; its Completion is set to NotSent if still pending.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            TerminateLocked();
        }

        _completion.TrySetResult(SipTransactionResult.NotSent);
    }

    private protected TimerSlot NewTimer(Action onFire)
    {
        var slot = new TimerSlot(this, onFire);
        _timers.Add(slot);
        return slot;
    }

    /// <summary>Sets the result the TU sees (first one wins).</summary>
    private protected void Complete(SipTransactionResult result) => _completion.TrySetResult(result);

    /// <summary>Under the lock: to Terminated, timers disposed, removed from the layer.</summary>
    private protected void TerminateLocked()
    {
        if (_state == SipTransactionState.Terminated)
        {
            return;
        }

        _state = SipTransactionState.Terminated;
        foreach (TimerSlot t in _timers)
        {
            t.Dispose();
        }

        Layer.Remove(this);
    }

    /// <summary>Sends outside the lock; a failure terminates the transaction with a transport error.</summary>
    private protected void Send(SipMessage message) => _ = SendAsync(message);

    private async Task SendAsync(SipMessage message)
    {
        try
        {
            await Layer.Sender.SendAsync(message, RemoteEndPoint, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not swallowed: reported to the TU as the transaction's result and through the layer.
            lock (Gate)
            {
                if (_state == SipTransactionState.Terminated)
                {
                    return;
                }

                TerminateLocked();
            }

            var result = new SipTransactionResult(SipTransactionOutcome.TransportError, null, ex);
            Complete(result);
            Layer.ReportFailure(this, result);
        }
    }

    /// <summary>One RFC timer: re-armable, fires its action once per arming unless stopped.</summary>
    private protected sealed class TimerSlot : IDisposable
    {
        private readonly SipTransaction _owner;
        private readonly Action _onFire;
        private ITimer? _timer;
        private bool _armed;
        private bool _disposed;

        public TimerSlot(SipTransaction owner, Action onFire)
        {
            _owner = owner;
            _onFire = onFire;
        }

        /// <summary>Arms (or re-arms) the timer; call under the owner's lock.</summary>
        public void Start(TimeSpan due)
        {
            if (_disposed)
            {
                return;
            }

            _armed = true;
            if (_timer is null)
            {
                _timer = _owner.Layer.Time.CreateTimer(static s => ((TimerSlot)s!).Fire(), this, due, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(due, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>Disarms; call under the owner's lock.</summary>
        public void Stop()
        {
            _armed = false;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            _armed = false;
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        private void Fire()
        {
            lock (_owner.Gate)
            {
                if (!_armed)
                {
                    return;
                }

                _armed = false;
            }

            _onFire();
        }
    }
}
