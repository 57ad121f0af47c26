using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

internal sealed partial class TurnAllocation
{
    /// <summary>Something refreshed on a timer: the allocation, a permission (peer IP) or a channel (peer, number).</summary>
    private sealed class Refreshed(TurnAllocation owner, Kind what, StunEndPoint peer, ushort channel) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource<bool> _bind = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ITimer? _timer;
        private bool _disposed;

        public Kind What { get; } = what;

        public StunEndPoint Peer { get; } = peer;

        public ushort Channel { get; } = channel;

        /// <summary>When the server forgets it unless refreshed.</summary>
        public DateTimeOffset Expires { get; private set; }

        /// <summary>A channel is usable for sending once the ChannelBind succeeded.</summary>
        public bool Bound { get; set; }

        /// <summary>A channel's first ChannelBind: true once bound, false when it failed (the item is then dropped).</summary>
        public Task<bool> BindResult => _bind.Task;

        public void CompleteBind(bool bound) => _bind.TrySetResult(bound);

        /// <summary>Records the new expiry and schedules the next refresh <paramref name="delay"/> from now.</summary>
        public void Arm(DateTimeOffset expires, TimeSpan delay)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                Expires = expires;
                _timer ??= owner._time.CreateTimer(static s => ((Refreshed)s!).Due(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>Schedules a retry after <see cref="TurnClientOptions.RetryDelay"/> if that is before the expiry.</summary>
        public bool RetryBeforeExpiry()
        {
            TimeSpan delay = owner._options.RetryDelay;
            if (owner._time.GetUtcNow() + delay >= Expires)
            {
                return false;
            }

            lock (_lock)
            {
                _timer?.Change(delay, Timeout.InfiniteTimeSpan);
            }

            return true;
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _timer?.Dispose();
            }
        }

        private void Due() => owner._work.Writer.TryWrite(this);
    }
}
