using System.Buffers;
using System.Net;
using System.Threading.Tasks.Sources;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// The datagrams peers sent to a relayed address, waiting for the one reader of a <see cref="TurnRelayTransport"/>: a
/// fixed ring of slots whose buffers (pooled, taken the first time a slot is used) are reused, so queueing and reading
/// allocate nothing in steady state. When full, the oldest datagram is dropped for the new one. The reader waits on a
/// reusable <see cref="IValueTaskSource"/> rather than a channel, whose cancellable reads allocate per wait.
/// </summary>
internal sealed class TurnRelayReceiveQueue : IValueTaskSource
{
    private readonly Lock _lock = new();
    private readonly byte[]?[] _buffers;
    private readonly int[] _lengths;
    private readonly IPEndPoint?[] _senders;
    private readonly int _maxLength;
    private readonly TurnRelayCounters _counters;
    private ManualResetValueTaskSourceCore<bool> _signal; // continuations run inline: no thread-pool work item per datagram
    private CancellationTokenRegistration _registration;
    private CancellationToken _waitToken;
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _closed;

    /// <summary>Creates a queue of <paramref name="capacity"/> datagrams of at most <paramref name="maxLength"/> bytes.</summary>
    public TurnRelayReceiveQueue(int capacity, int maxLength, TurnRelayCounters counters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _buffers = new byte[]?[capacity];
        _lengths = new int[capacity];
        _senders = new IPEndPoint?[capacity];
        _maxLength = maxLength;
        _counters = counters;
    }

    /// <summary>Whether <see cref="Close"/> was called: nothing more is queued or read.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>The datagrams waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Copies <paramref name="data"/> in, dropping the oldest datagram when full; wakes the reader.</summary>
    /// <returns><see langword="false"/> when it was not queued: too long (counted) or closed.</returns>
    public bool TryEnqueue(ReadOnlySpan<byte> data, IPEndPoint sender)
    {
        if (data.Length > _maxLength)
        {
            _counters.DropTooLarge();
            return false;
        }

        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            int slot;
            if (_count == _buffers.Length)
            {
                // Full: the oldest slot takes the new datagram and becomes the tail.
                slot = _head;
                _head = (_head + 1) % _buffers.Length;
                _counters.DropQueueFull();
            }
            else
            {
                slot = (_head + _count) % _buffers.Length;
                _count++;
            }

            byte[] buffer = _buffers[slot] ??= ArrayPool<byte>.Shared.Rent(_maxLength);
            data.CopyTo(buffer);
            _lengths[slot] = data.Length;
            _senders[slot] = sender;
            if (!_waiting)
            {
                return true;
            }

            _waiting = false;
        }

        _signal.SetResult(true); // outside the lock: the reader may run inline here
        return true;
    }

    /// <summary>
    /// Takes the oldest datagram into <paramref name="destination"/>; one longer than the destination is cut to fit (as a
    /// UDP socket does) and counted in <see cref="TurnRelayCounters.Truncated"/>.
    /// </summary>
    public bool TryDequeue(Span<byte> destination, out DatagramReceiveResult result)
    {
        lock (_lock)
        {
            if (_closed || _count == 0)
            {
                result = default;
                return false;
            }

            int slot = _head;
            int length = Math.Min(_lengths[slot], destination.Length);
            if (length < _lengths[slot])
            {
                _counters.Truncate();
            }

            _buffers[slot].AsSpan(0, length).CopyTo(destination);
            result = new DatagramReceiveResult(length, _senders[slot]!);
            _senders[slot] = null;
            _head = (_head + 1) % _buffers.Length;
            _count--;
            return true;
        }
    }

    /// <summary>Completes when a datagram is queued or the queue is closed (at once if so already). One waiter at a time.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="InvalidOperationException">Another wait is pending.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_count > 0 || _closed)
            {
                return ValueTask.CompletedTask;
            }

            if (_waiting)
            {
                throw new InvalidOperationException("The relay transport has one reader at a time.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            _signal.Reset();
            _waiting = true;
            _waitToken = cancellationToken;
        }

        short version = _signal.Version;
        if (cancellationToken.CanBeCanceled)
        {
            // Registration nodes are reused by the token source, so this allocates nothing in steady state.
            _registration = cancellationToken.UnsafeRegister(static s => ((TurnRelayReceiveQueue)s!).OnCancelled(), this);
        }

        return new ValueTask(this, version);
    }

    /// <summary>Drops what is queued, returns the buffers to the pool and wakes the reader; later reads find it closed.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _count = 0;
            for (int i = 0; i < _buffers.Length; i++)
            {
                if (_buffers[i] is byte[] buffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _buffers[i] = null;
                }

                _senders[i] = null;
            }

            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        _signal.SetResult(true);
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _signal.GetResult(token);
        }
        finally
        {
            // Unregister does not wait for a callback running elsewhere; OnCancelled ignores a stale one.
            _registration.Unregister();
        }
    }

    /// <inheritdoc/>
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _signal.GetStatus(token);

    /// <inheritdoc/>
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);

    private void OnCancelled()
    {
        CancellationToken token;
        lock (_lock)
        {
            // A registration of an earlier wait may fire late: only the current wait's token cancels.
            if (!_waiting || !_waitToken.IsCancellationRequested)
            {
                return;
            }

            _waiting = false;
            token = _waitToken;
        }

        _signal.SetException(new OperationCanceledException(token));
    }
}
