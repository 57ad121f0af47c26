using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// One allocation on a TURN server (RFC 8656): the relayed address, and the permissions and channel bindings toward
/// peers. Everything is refreshed on <see cref="TimeProvider"/> timers by one worker: the allocation at
/// lifetime − <see cref="TurnClientOptions.RefreshMargin"/> (at least half the lifetime), permissions every
/// <see cref="TurnClientOptions.PermissionRefreshInterval"/>, channels every <see cref="TurnClientOptions.ChannelRefreshInterval"/>;
/// a refresh that timed out is retried after <see cref="TurnClientOptions.RetryDelay"/> while the item lives.
/// Disposing deletes the allocation with a Refresh of LIFETIME 0.
/// </summary>
internal sealed partial class TurnAllocation : IAsyncDisposable
{
    private static readonly TimeSpan MinRefreshDelay = TimeSpan.FromSeconds(1);
    private readonly TurnClient _client;
    private readonly TurnClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<StunEndPoint, Refreshed> _permissions = new();
    private readonly ConcurrentDictionary<StunEndPoint, Refreshed> _channelsByPeer = new();
    private readonly Refreshed?[] _channelsByNumber = new Refreshed?[ChannelData.MaxChannel - ChannelData.MinChannel + 1];
    private readonly Channel<Refreshed> _work = Channel.CreateUnbounded<Refreshed>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Refreshed _self;
    private readonly Task _worker;
    private readonly Dictionary<StunEndPoint, ushort> _numbers = [];
    private int _nextChannel = ChannelData.MinChannel;
    private int _disposed;
    private long _refreshesCompleted;
    private volatile bool _failed;

    internal TurnAllocation(TurnClient client, StunEndPoint relayed, StunEndPoint mapped, TimeSpan lifetime)
    {
        _client = client;
        _options = client.Options;
        _time = client.Time;
        _logger = client.Logger;
        RelayedAddress = relayed;
        MappedAddress = mapped;
        Lifetime = lifetime;
        _self = new Refreshed(this, Kind.Allocation, default, 0);
        _self.Arm(_time.GetUtcNow() + lifetime, AllocationRefreshDelay(lifetime));
        _worker = WorkAsync(_stop.Token);
    }

    /// <summary>Raised once when the allocation is lost (437 on a refresh, or it expired without a successful refresh).</summary>
    public event Action<TurnAllocation, Exception>? Failed;

    private enum Kind
    {
        Allocation,
        Permission,
        Channel,
    }

    /// <summary>The relayed transport address (XOR-RELAYED-ADDRESS): the relayed ICE candidate.</summary>
    public StunEndPoint RelayedAddress { get; }

    /// <summary>Our address as the server saw it (XOR-MAPPED-ADDRESS): a server-reflexive candidate.</summary>
    public StunEndPoint MappedAddress { get; }

    /// <summary>The lifetime the server granted last.</summary>
    public TimeSpan Lifetime { get; private set; }

    /// <summary>Whether the allocation is still usable (not failed, not disposed).</summary>
    public bool IsActive => !_failed && Volatile.Read(ref _disposed) == 0;

    /// <summary>Receives peer data. Set it before creating permissions; data arriving without it is counted and dropped.</summary>
    public TurnDataHandler? DataReceived { get; set; }

    /// <summary>Refreshes finished (successful or not): lets tests wait for the worker before moving virtual time on.</summary>
    internal long RefreshesCompleted => Interlocked.Read(ref _refreshesCompleted);

    /// <summary>The client's counters.</summary>
    public TurnCounters Counters => _client.Counters;

    /// <summary>
    /// Installs a permission for <paramref name="peer"/>'s IP address (the port is ignored) and keeps refreshing it.
    /// Returns at once when one exists.
    /// </summary>
    /// <exception cref="TurnErrorException">E.g. 403 when the server does not allow this peer.</exception>
    public async Task CreatePermissionAsync(StunEndPoint peer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(!IsActive, this);
        StunEndPoint address = AddressOf(peer);
        if (_permissions.ContainsKey(address))
        {
            return;
        }

        await _client.ExecuteAsync(new TurnRequest(TurnConstants.CreatePermission, Peer: address), cancellationToken).ConfigureAwait(false);
        AddPermission(address);
    }

    /// <summary>
    /// Binds a channel to <paramref name="peer"/> (and so a permission for its IP) and keeps refreshing it. Until it
    /// is bound, data to the peer goes in Send indications. Returns the existing channel when there is one, and waits
    /// for a bind to the same peer already in progress. A peer keeps its number for the allocation's life, so binding
    /// it again (after a lost response or a refused refresh) asks for the same number (RFC 8656 section 12.2).
    /// </summary>
    /// <returns>The channel number (0x4000–0x4FFF).</returns>
    public async Task<ushort> BindChannelAsync(StunEndPoint peer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(!IsActive, this);
            if (_channelsByPeer.TryGetValue(peer, out Refreshed? existing))
            {
                // Never hand out a number the server has not confirmed; if that bind fails, try ourselves.
                if (await existing.BindResult.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return existing.Channel;
                }

                continue;
            }

            var channel = new Refreshed(this, Kind.Channel, peer, NumberFor(peer));
            if (_channelsByPeer.TryAdd(peer, channel))
            {
                return await BindAsync(channel, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ushort> BindAsync(Refreshed channel, CancellationToken cancellationToken)
    {
        ushort number = channel.Channel;
        StunEndPoint peer = channel.Peer;

        // Inbound ChannelData may overtake the ChannelBind response, so the number is known before the request.
        Volatile.Write(ref _channelsByNumber[number - ChannelData.MinChannel], channel);
        try
        {
            await _client.ExecuteAsync(new TurnRequest(TurnConstants.ChannelBind, Peer: peer, Channel: number), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Remove(channel);
            channel.CompleteBind(false);
            throw;
        }

        DateTimeOffset now = _time.GetUtcNow();
        channel.Arm(now + TurnConstants.ChannelLifetime, _options.ChannelRefreshInterval);
        channel.Bound = true;

        // ChannelBind installed the permission too; it lasts 5 min, the binding 10, so it needs its own refreshes.
        AddPermission(AddressOf(peer));
        channel.CompleteBind(true);
        LogChannelBound(number, peer);
        return number;
    }

    /// <summary>
    /// The peer's channel number: the one it had before, or the next unused one. Numbers are never given to another
    /// peer (section 12.2 would refuse that for 5 min after the old binding expired), so there are 4096 peers per allocation.
    /// </summary>
    private ushort NumberFor(in StunEndPoint peer)
    {
        lock (_numbers)
        {
            if (_numbers.TryGetValue(peer, out ushort number))
            {
                return number;
            }

            if (_nextChannel > ChannelData.MaxChannel)
            {
                throw new InvalidOperationException("All 4096 channel numbers are in use.");
            }

            number = (ushort)_nextChannel++;
            _numbers.Add(peer, number);
            return number;
        }
    }

    /// <summary>The channel bound to <paramref name="peer"/>, or 0 (not bound yet, data goes in Send indications).</summary>
    public ushort GetChannel(in StunEndPoint peer) =>
        _channelsByPeer.TryGetValue(peer, out Refreshed? c) && c.Bound ? c.Channel : (ushort)0;

    /// <summary>Whether a permission for <paramref name="peer"/>'s IP address is installed.</summary>
    public bool HasPermission(in StunEndPoint peer) => _permissions.ContainsKey(AddressOf(peer));

    /// <summary>Stops the refreshes and deletes the allocation on the server (Refresh with LIFETIME 0, bounded by <see cref="TurnClientOptions.DeleteTimeout"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _work.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);

        // The cleanup runs whatever happened to the worker: skipping Detach would make AllocateAsync refuse forever.
        try
        {
            await _worker.ConfigureAwait(false);
        }
        finally
        {
            try
            {
                _self.Dispose();
                foreach (Refreshed item in _permissions.Values.Concat(_channelsByPeer.Values))
                {
                    item.Dispose();
                }

                if (!_failed)
                {
                    await DeleteAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _client.Detach(this);
                _stop.Dispose();
            }
        }
    }

    private async Task DeleteAsync()
    {
        using var timeout = new CancellationTokenSource(_options.DeleteTimeout, _time);
        try
        {
            await _client.RefreshAsync(0, timeout.Token).ConfigureAwait(false);
            LogDeleted(RelayedAddress);
        }
        catch (Exception e) when (e is TurnErrorException or TimeoutException or OperationCanceledException or ObjectDisposedException or InvalidDataException or SocketException)
        {
            LogDeleteFailed(e.Message); // the server lets it expire
        }
    }

    private static StunEndPoint AddressOf(in StunEndPoint peer)
    {
        Span<byte> address = stackalloc byte[16];
        return StunEndPoint.Create(address[..peer.WriteAddress(address)], 0);
    }

    private TimeSpan AllocationRefreshDelay(TimeSpan lifetime)
    {
        // At least a second, so that a server granting a tiny lifetime cannot drive a refresh loop.
        TimeSpan beforeExpiry = lifetime - _options.RefreshMargin;
        TimeSpan half = lifetime / 2;
        TimeSpan delay = beforeExpiry > half ? beforeExpiry : half;
        return delay > MinRefreshDelay ? delay : MinRefreshDelay;
    }

    private void AddPermission(StunEndPoint address)
    {
        var permission = new Refreshed(this, Kind.Permission, address, 0);
        if (_permissions.TryAdd(address, permission))
        {
            permission.Arm(_time.GetUtcNow() + TurnConstants.PermissionLifetime, _options.PermissionRefreshInterval);
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await foreach (Refreshed item in _work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (!_failed)
                {
                    await RefreshAsync(item, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // disposed
        }
    }

    private async Task RefreshAsync(Refreshed item, CancellationToken ct)
    {
        try
        {
            switch (item.What)
            {
                case Kind.Allocation:
                    uint requested = _options.RequestedLifetime is TimeSpan l ? (uint)l.TotalSeconds : (uint)Lifetime.TotalSeconds;
                    TimeSpan granted = await _client.RefreshAsync(requested, ct).ConfigureAwait(false);
                    Lifetime = granted;
                    item.Arm(_time.GetUtcNow() + granted, AllocationRefreshDelay(granted));
                    break;
                case Kind.Permission:
                    await _client.ExecuteAsync(new TurnRequest(TurnConstants.CreatePermission, Peer: item.Peer), ct).ConfigureAwait(false);
                    item.Arm(_time.GetUtcNow() + TurnConstants.PermissionLifetime, _options.PermissionRefreshInterval);
                    break;
                default:
                    await _client.ExecuteAsync(new TurnRequest(TurnConstants.ChannelBind, Peer: item.Peer, Channel: item.Channel), ct).ConfigureAwait(false);
                    item.Arm(_time.GetUtcNow() + TurnConstants.ChannelLifetime, _options.ChannelRefreshInterval);
                    break;
            }

            LogRefreshed(item.What, item.Peer, item.Channel);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Timer-driven worker: whatever a refresh throws (a bug, a disposed socket) must not end all later refreshes silently; logged, counted, handled like a timeout.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Counters.RefreshFailed();
            bool expected = e is TurnErrorException or TimeoutException or InvalidDataException or SocketException;
            if (expected)
            {
                LogRefreshFailed(item.What, item.Peer, item.Channel, e.Message);
            }
            else
            {
                LogRefreshFailedUnexpectedly(item.What, item.Peer, item.Channel, e);
            }

            if (e is TurnErrorException { Kind: TurnErrorKind.AllocationMismatch } || (item.What == Kind.Allocation && !item.RetryBeforeExpiry()))
            {
                Fail(e);
            }
            else if (e is TurnErrorException && item.What != Kind.Allocation)
            {
                Forget(item); // e.g. 403: the server no longer allows this peer
            }
            else if (item.What != Kind.Allocation && !item.RetryBeforeExpiry())
            {
                Forget(item);
            }
        }
        finally
        {
            Interlocked.Increment(ref _refreshesCompleted);
        }
    }

    private void Forget(Refreshed item)
    {
        item.Dispose();
        if (item.What == Kind.Permission)
        {
            _permissions.TryRemove(item.Peer, out _);
        }
        else
        {
            Remove(item);
        }
    }

    // Only this item: a rebind to the same peer may already have put a new one in place.
    private void Remove(Refreshed channel)
    {
        _channelsByPeer.TryRemove(KeyValuePair.Create(channel.Peer, channel));
        Interlocked.CompareExchange(ref _channelsByNumber[channel.Channel - ChannelData.MinChannel], null, channel);
    }

    private void Fail(Exception reason)
    {
        if (_failed)
        {
            return;
        }

        _failed = true;
        TurnMetrics.AllocationsLost.Add(1);
        LogLost(RelayedAddress, reason.Message);
        try
        {
            Failed?.Invoke(this, reason);
        }
#pragma warning disable CA1031 // Application callback on the refresh worker: logged and counted, the worker and DisposeAsync go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Counters.HandlerFailed();
            LogHandlerFailed(nameof(Failed), e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN: channel 0x{Channel:X4} bound to {Peer}")]
    private partial void LogChannelBound(ushort channel, StunEndPoint peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN: refreshed {What} {Peer} {Channel}")]
    private partial void LogRefreshed(Kind what, StunEndPoint peer, ushort channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TURN: refresh of {What} {Peer} {Channel} failed: {Reason}")]
    private partial void LogRefreshFailed(Kind what, StunEndPoint peer, ushort channel, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "TURN: refresh of {What} {Peer} {Channel} failed unexpectedly")]
    private partial void LogRefreshFailedUnexpectedly(Kind what, StunEndPoint peer, ushort channel, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "TURN: the {Callback} handler threw; ignored")]
    private partial void LogHandlerFailed(string callback, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TURN: allocation {Relayed} lost: {Reason}")]
    private partial void LogLost(StunEndPoint relayed, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: allocation {Relayed} deleted")]
    private partial void LogDeleted(StunEndPoint relayed);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: deleting the allocation failed ({Reason}); it will expire on the server")]
    private partial void LogDeleteFailed(string reason);
}
