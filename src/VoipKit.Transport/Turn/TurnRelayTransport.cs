using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Turn;

/// <summary>
/// A TURN allocation seen as a datagram socket, for ICE (a relayed base) and the media on it.
/// <see cref="LocalEndPoint"/> is the relayed address; <see cref="SendAsync"/> reaches a peer through the server and
/// <see cref="ReceiveAsync"/> yields what peers sent to the relayed address, with the peer as the sender.
/// <para>
/// Permissions: the first send to a peer IP creates its permission, one CreatePermission per IP at a time. Sends to
/// that IP while it is pending wait for it (at most <see cref="TurnRelayTransportOptions.RequestTimeout"/>) and then go
/// out; if it fails they are dropped and counted, and the next send asks again. Waiting costs one round trip to the
/// server once per peer IP, whereas a Send indication sent before the server installed the permission would be
/// silently discarded (RFC 8656 section 11.2) and the ICE check would only get through at its retransmission 500 ms
/// later; dropping would cost the same.
/// </para>
/// <para>
/// Channels: a peer gets a channel once traffic has gone both ways with it, that is on the first datagram received
/// from an address this transport has sent to. ICE checks to candidates that never answer stay in Send indications
/// (no channel number or 10-minute binding spent on them), while the pair that works, the one media will use, is bound
/// as soon as its first check is answered, before nomination: media then goes in ChannelData, 4 bytes of overhead
/// instead of 44 (IPv4) or 56 (IPv6) plus padding for a Send indication with its FINGERPRINT.
/// </para>
/// Steady state (permission installed) sends and receives allocate nothing. One reader at a time. Disposing deletes
/// the allocation, closes the socket and ends receives (<see cref="ObjectDisposedException"/>).
/// </summary>
internal sealed partial class TurnRelayTransport : IDatagramTransport, IAsyncDisposable
{
    private const int MaxCachedPeers = 4096;
    private readonly TurnClient _client;
    private readonly TurnAllocation _allocation;
    private readonly IDisposable? _socket;
    private readonly TurnRelayTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TurnRelayReceiveQueue _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<StunEndPoint, IPEndPoint> _sentTo = new();
    private readonly ConcurrentDictionary<StunEndPoint, byte> _bindsStarted = new();
    private readonly Dictionary<StunEndPoint, Task<bool>> _pendingPermissions = [];
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private int _sentToCount;
    private int _disposed;

    /// <summary>
    /// Wraps <paramref name="allocation"/> of <paramref name="client"/>. Takes ownership of both, and of
    /// <paramref name="socket"/> (the client's transport) when given: disposing this disposes them.
    /// </summary>
    public TurnRelayTransport(
        TurnClient client, TurnAllocation allocation, IDisposable? socket = null, TurnRelayTransportOptions? options = null,
        TimeProvider? timeProvider = null, ILogger<TurnRelayTransport>? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _allocation = allocation ?? throw new ArgumentNullException(nameof(allocation));
        _socket = socket;
        _options = options ?? new TurnRelayTransportOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = new TurnRelayReceiveQueue(_options.ReceiveQueueCapacity, _options.MaxDatagramLength, Counters);
        RelayedEndPoint = allocation.RelayedAddress.ToIPEndPoint();
        MappedEndPoint = allocation.MappedAddress.Family == AddressFamily.Unspecified
            ? (IPEndPoint)client.Transport.LocalEndPoint
            : allocation.MappedAddress.ToIPEndPoint();
        Server = client.Server;
        allocation.Failed += OnAllocationFailed;
        allocation.DataReceived = OnPeerData;
    }

    /// <summary>The relayed address (XOR-RELAYED-ADDRESS): where peers send to reach us.</summary>
    public EndPoint LocalEndPoint => RelayedEndPoint;

    /// <summary>The relayed address as an <see cref="IPEndPoint"/>.</summary>
    public IPEndPoint RelayedEndPoint { get; }

    /// <summary>Our address as the TURN server saw it (XOR-MAPPED-ADDRESS): the related address of the relayed candidate.</summary>
    public IPEndPoint MappedEndPoint { get; }

    /// <summary>The TURN server holding the allocation (after any ALTERNATE-SERVER redirection).</summary>
    public IPEndPoint Server { get; }

    /// <summary>What went through this relay each way, and what was dropped.</summary>
    public TurnRelayCounters Counters { get; } = new();

    /// <summary>The allocation (its own counters, channels and permissions).</summary>
    public TurnAllocation Allocation => _allocation;

    /// <summary>Whether the allocation is usable: not lost (437, expired) and not disposed.</summary>
    public bool IsActive => _allocation.IsActive && Volatile.Read(ref _disposed) == 0;

    /// <summary>
    /// Sends <paramref name="datagram"/> to <paramref name="remote"/> through the relay, creating the permission for its
    /// IP first when there is none (sends to an IP whose permission is pending wait for it). A datagram that cannot be
    /// relayed is dropped and counted, as a UDP socket would lose it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">After <see cref="DisposeAsync"/>.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (remote is not IPEndPoint to || to.AddressFamily != RelayedEndPoint.AddressFamily)
        {
            Counters.DropOutbound(); // a relay reaches peers of its own address family only
            return;
        }

        var peer = StunEndPoint.FromIPEndPoint(to);
        if (!_allocation.HasPermission(peer) && !await PermitAsync(peer, cancellationToken).ConfigureAwait(false))
        {
            Counters.DropNoPermission();
            return;
        }

        RememberSentTo(peer);
        if (await _allocation.SendAsync(peer, datagram, cancellationToken).ConfigureAwait(false))
        {
            Counters.Sent(datagram.Length);
        }
        else
        {
            Counters.DropOutbound();
        }
    }

    /// <summary>Waits for the next datagram a peer sent to the relayed address. One reader at a time.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="DisposeAsync"/>, also for a receive waiting then.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryReceive(buffer.Span, out DatagramReceiveResult received))
            {
                return received;
            }

            await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next datagram if one is queued, without waiting (the synchronous core of <see cref="ReceiveAsync"/>).</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="DisposeAsync"/>.</exception>
    public bool TryReceive(Span<byte> buffer, out DatagramReceiveResult received)
    {
        ObjectDisposedException.ThrowIf(_queue.IsClosed, this);
        return _queue.TryDequeue(buffer, out received);
    }

    /// <summary>Ends receives, deletes the allocation on the server (<see cref="TurnClient.DisposeAsync"/>) and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Close();
        _allocation.DataReceived = null;
        _allocation.Failed -= OnAllocationFailed;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background.Keys).ConfigureAwait(false); // permissions and binds, cancelled above
        }
        finally
        {
            try
            {
                await _client.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _socket?.Dispose();
                _stop.Dispose();
                LogClosed(RelayedEndPoint, Counters.PacketsSent, Counters.PacketsReceived);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"relay {RelayedEndPoint} via {Server}";

    /// <summary>Peer data from the allocation (on the TURN client's receive loop): queued for the reader; may start a channel bind.</summary>
    internal void OnPeerData(in StunEndPoint peer, ReadOnlySpan<byte> data)
    {
        Counters.Received(data.Length);
        IPEndPoint sender;
        if (_sentTo.TryGetValue(peer, out IPEndPoint? known))
        {
            sender = known; // cached: no allocation per datagram
            if (_allocation.GetChannel(peer) == 0 && _bindsStarted.TryAdd(peer, 0))
            {
                Track(BindChannelAsync(peer)); // traffic has gone both ways: this peer is worth a channel
            }
        }
        else
        {
            sender = peer.ToIPEndPoint(); // an address we never sent to (yet): not cached, so strangers cannot grow the cache
        }

        _queue.TryEnqueue(data, sender);
    }

    private void RememberSentTo(in StunEndPoint peer)
    {
        if (!_sentTo.ContainsKey(peer) && Volatile.Read(ref _sentToCount) < MaxCachedPeers && _sentTo.TryAdd(peer, peer.ToIPEndPoint()))
        {
            Interlocked.Increment(ref _sentToCount);
        }
    }

    // One CreatePermission per peer IP at a time: later senders wait on the pending one.
    private async ValueTask<bool> PermitAsync(StunEndPoint peer, CancellationToken cancellationToken)
    {
        StunEndPoint address = AddressOnly(peer);
        TaskCompletionSource<bool>? started = null;
        Task<bool> pending;
        lock (_pendingPermissions)
        {
            if (_allocation.HasPermission(address))
            {
                return true; // installed while we were getting here
            }

            if (!_pendingPermissions.TryGetValue(address, out pending!))
            {
                started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending = started.Task;
                _pendingPermissions.Add(address, pending);
            }
        }

        if (started is not null)
        {
            Track(CreatePermissionAsync(address, started));
        }

        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CreatePermissionAsync(StunEndPoint address, TaskCompletionSource<bool> result)
    {
        bool installed = false;
        Counters.PermissionRequested();
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
            await _allocation.CreatePermissionAsync(address, linked.Token).ConfigureAwait(false);
            installed = true;
        }
        catch (Exception e) when (IsRequestFailure(e))
        {
            Counters.PermissionFailed();
            string reason = Reason(e);
            LogPermissionFailed(address, reason);
        }
        finally
        {
            // Removed before the waiters are released, so a send after a failure asks again.
            lock (_pendingPermissions)
            {
                _pendingPermissions.Remove(address);
            }

            result.TrySetResult(installed);
        }
    }

    private async Task BindChannelAsync(StunEndPoint peer)
    {
        await Task.Yield(); // off the TURN receive loop
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
            ushort channel = await _allocation.BindChannelAsync(peer, linked.Token).ConfigureAwait(false);
            Counters.ChannelBound();
            LogChannelBound(channel, peer);
        }
        catch (Exception e) when (IsRequestFailure(e) || e is InvalidOperationException)
        {
            // Not retried: the peer's data stays in Send indications (InvalidOperationException: all 4096 numbers used).
            Counters.ChannelBindFailed();
            string reason = Reason(e);
            LogChannelBindFailed(peer, reason);
        }
    }

    // Background requests are awaited by DisposeAsync (after cancelling them), then forgotten when done.
    private void Track(Task work)
    {
        if (work.IsCompleted)
        {
            return;
        }

        _background.TryAdd(work, 0);
        work.ContinueWith(
            static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _),
            _background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnAllocationFailed(TurnAllocation allocation, Exception reason) => LogAllocationLost(RelayedEndPoint, reason.Message);

    private static bool IsRequestFailure(Exception e) =>
        e is TurnErrorException or TimeoutException or OperationCanceledException or ObjectDisposedException or InvalidDataException or SocketException;

    private static string Reason(Exception e) => e is OperationCanceledException ? "no answer in time, or closed" : e.Message;

    private static StunEndPoint AddressOnly(in StunEndPoint peer)
    {
        Span<byte> address = stackalloc byte[16];
        return StunEndPoint.Create(address[..peer.WriteAddress(address)], 0);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN relay: no permission for {Peer}: {Reason}; sends to it are dropped until one is had")]
    private partial void LogPermissionFailed(StunEndPoint peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN relay: channel 0x{Channel:X4} bound to {Peer}, which answered")]
    private partial void LogChannelBound(ushort channel, StunEndPoint peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN relay: no channel for {Peer} ({Reason}); its data stays in Send indications")]
    private partial void LogChannelBindFailed(StunEndPoint peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TURN relay: allocation {Relayed} lost: {Reason}")]
    private partial void LogAllocationLost(IPEndPoint relayed, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN relay {Relayed} closed after {Sent} datagrams sent and {Received} received")]
    private partial void LogClosed(IPEndPoint relayed, long sent, long received);
}
