using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Transport.Ice;

/// <summary>
/// Relayed candidates from TURN servers for an <see cref="IceAgent"/> (<see cref="IceAgentOptions.RelayedCandidates"/>).
/// Each <see cref="GetRelayedBasesAsync"/> allocates on every configured server at once, each through its own
/// <see cref="TurnClient"/> on a new UDP socket, and returns one <see cref="IceRelayedBase"/> per allocation granted in
/// time; its transport is a <see cref="TurnRelayTransport"/>. A server that fails (error, no answer within
/// <see cref="TurnRelayedCandidateSourceOptions.AllocateTimeout"/>, socket error) is logged at warning level and left out:
/// the call never throws for a server, and returns an empty list when no server could be had.
/// The source owns the relays it handed out: disposing it deletes their allocations and closes their sockets.
/// </summary>
internal sealed partial class TurnRelayedCandidateSource : IRelayedCandidateSource, IAsyncDisposable
{
    private readonly TurnServerCredentials[] _servers;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TurnRelayedCandidateSourceOptions _options;
    private readonly Lock _lock = new();
    private readonly List<TurnRelayTransport> _relays = [];
    private readonly List<Task> _calls = [];
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    /// <summary>Creates a source for <paramref name="servers"/> (none: every call returns an empty list).</summary>
    public TurnRelayedCandidateSource(
        IReadOnlyList<TurnServerCredentials> servers, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null,
        TurnRelayedCandidateSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _servers = [.. servers];
        foreach (TurnServerCredentials server in _servers)
        {
            ArgumentNullException.ThrowIfNull(server, nameof(servers));
            ArgumentNullException.ThrowIfNull(server.Server, nameof(servers));
        }

        _time = timeProvider ?? TimeProvider.System;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<TurnRelayedCandidateSource>();
        _options = options ?? new TurnRelayedCandidateSourceOptions();
        _options.Validate();
    }

    /// <summary>The relays handed out so far and not yet disposed (their counters go into call statistics).</summary>
    public IReadOnlyList<TurnRelayTransport> Relays
    {
        get
        {
            lock (_lock)
            {
                return [.. _relays];
            }
        }
    }

    /// <summary>
    /// Allocates on every server concurrently and returns a base per allocation granted within the timeout (new ones on
    /// each call: after an ICE restart onto new sockets the agent asks again, and the earlier relays live on until disposal).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (what was allocated is released).</exception>
    /// <exception cref="ObjectDisposedException">The source was disposed (before or during the call).</exception>
    public async ValueTask<IReadOnlyList<IceRelayedBase>> GetRelayedBasesAsync(CancellationToken cancellationToken)
    {
        var call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _calls.Add(call.Task);
        }

        try
        {
            TurnRelayTransport?[] results = await Task.WhenAll(_servers.Select(s => AllocateAsync(s, cancellationToken))).ConfigureAwait(false);
            TurnRelayTransport[] relays = [.. results.OfType<TurnRelayTransport>()];
            bool disposed;
            lock (_lock)
            {
                disposed = _disposed;
                if (!disposed && !cancellationToken.IsCancellationRequested)
                {
                    _relays.AddRange(relays);
                }
            }

            if (disposed || cancellationToken.IsCancellationRequested)
            {
                await DisposeAllAsync(relays).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new ObjectDisposedException(GetType().FullName);
            }

            LogGathered(relays.Length, _servers.Length);
            return [.. relays.Select(r => new IceRelayedBase(r, r.MappedEndPoint, r.Server))];
        }
        finally
        {
            lock (_lock)
            {
                _calls.Remove(call.Task);
            }

            call.TrySetResult();
        }
    }

    /// <summary>Stops allocations in progress, then deletes every allocation and closes every socket; receives on the relays end.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] calls;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            calls = [.. _calls];
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(calls).ConfigureAwait(false); // they release what they allocated once they see the disposal
        TurnRelayTransport[] relays;
        lock (_lock)
        {
            relays = [.. _relays];
            _relays.Clear();
        }

        await DisposeAllAsync(relays).ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task DisposeAllAsync(IEnumerable<TurnRelayTransport> relays) =>
        await Task.WhenAll(relays.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);

    // Never throws: a server that cannot be had is logged and gives null.
    private async Task<TurnRelayTransport?> AllocateAsync(TurnServerCredentials server, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the servers are tried concurrently, whatever the transports do synchronously
        AddressFamily family = server.Server.AddressFamily;
        IPAddress local = _options.LocalAddress ?? (family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
        if (local.AddressFamily != family)
        {
            LogLeftOut(server.Server, $"the local address {local} is of another address family");
            return null;
        }

        IDatagramTransport socket;
        try
        {
            var localEndPoint = new IPEndPoint(local, 0);
            socket = _options.TransportFactory?.Invoke(localEndPoint, server.Server) ?? new UdpDatagramTransport(localEndPoint);
        }
        catch (SocketException e)
        {
            LogLeftOut(server.Server, $"cannot bind {local}: {e.SocketErrorCode}");
            return null;
        }

        var client = new TurnClient(socket, server.ToClientOptions(), _time, _loggers.CreateLogger<TurnClient>());
        try
        {
            using var timeout = new CancellationTokenSource(_options.AllocateTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _stop.Token);
            TurnAllocation allocation = await client.AllocateAsync(linked.Token).ConfigureAwait(false);
            LogAllocated(server.Server, allocation.RelayedAddress);
            return new TurnRelayTransport(
                client, allocation, socket as IDisposable, _options.Relay, _time, _loggers.CreateLogger<TurnRelayTransport>());
        }
        catch (Exception e) when (e is TurnErrorException or TimeoutException or OperationCanceledException or InvalidDataException
            or SocketException or ObjectDisposedException)
        {
            if (cancellationToken.IsCancellationRequested || _stop.IsCancellationRequested)
            {
                LogCancelled(server.Server);
            }
            else
            {
                LogLeftOut(server.Server, e is OperationCanceledException ? $"no allocation within {_options.AllocateTimeout.TotalSeconds} s" : e.Message);
            }

            await client.DisposeAsync().ConfigureAwait(false);
            (socket as IDisposable)?.Dispose();
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TURN server {Server} left out: {Reason}")]
    private partial void LogLeftOut(IPEndPoint server, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN server {Server}: allocation cancelled")]
    private partial void LogCancelled(IPEndPoint server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TURN server {Server}: relayed address {Relayed}")]
    private partial void LogAllocated(IPEndPoint server, StunEndPoint relayed);

    [LoggerMessage(Level = LogLevel.Information, Message = "TURN: {Count} relayed candidate(s) from {Servers} server(s)")]
    private partial void LogGathered(int count, int servers);
}
