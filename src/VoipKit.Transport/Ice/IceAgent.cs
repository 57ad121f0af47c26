using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>
/// A full ICE agent (RFC 8445) for one data stream with one component (RTP/RTCP multiplexed) over UDP. It reads its
/// sockets itself: STUN goes to the checks, other datagrams from valid pairs to <see cref="DataReceived"/> without a copy.
/// Use: <see cref="GatherAsync"/>, exchange credentials and candidates by signaling, <see cref="SetRemoteCredentials"/>,
/// <see cref="AddRemoteCandidate"/>, <see cref="Start"/>; then <see cref="SendAsync"/> over the selected pair.
/// Checks (this file's partner <c>IceAgent.Checks.cs</c>) and answers (<c>IceAgent.Requests.cs</c>) run under one lock.
/// </summary>
internal sealed partial class IceAgent : IAsyncDisposable
{
    private const int ReceiveBufferSize = 2048;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly IceAgentOptions _options;
    private readonly ILogger _logger;
    private readonly IceLocalCandidates _locals = new();
    private readonly List<IceCandidate> _remoteCandidates = [];
    private readonly Dictionary<IPEndPoint, IceCandidate> _remoteByEndPoint = [];
    private readonly HashSet<IPEndPoint> _learntRemotes = [];
    private readonly Dictionary<StunClient.TransactionKey, IceTransaction> _transactions = [];
    private readonly List<Task> _receiveLoops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly IceConsentFreshness _consent;
    private readonly List<StunHmacSha1Key> _retiredKeys = [];
    private IceCredentials _local;
    private StunHmacSha1Key _localKey;
    private IceCredentials? _remote;
    private StunHmacSha1Key? _remoteKey;
    private IceChecklist _checklist;
    private IceRole _role;
    private ulong _tieBreaker;
    private IceConnectionState _state = IceConnectionState.New;
    private IceCandidatePair? _selected;
    private readonly IceDataPath _data = new();
    private DateTimeOffset? _firstValidAt;
    private IceCandidatePair? _nominating;
    private ITimer? _timer;
    private bool _started;
    private int _prflxCount;
    private long _droppedPeerReflexive;
    private long _eventFailures;
    private int _disposed;

    /// <summary>Creates an agent reading and sending on <paramref name="sockets"/> (bound UDP transports, not owned; earlier ones preferred).</summary>
    public IceAgent(IceRole role, IReadOnlyList<IDatagramTransport> sockets, IceAgentOptions? options = null, TimeProvider? timeProvider = null, ILogger<IceAgent>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        _options = options ?? new IceAgentOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _role = role;
        _tieBreaker = IceStunMessages.NewTieBreaker();
        _local = IceCredentials.Generate();
        _localKey = IceStunMessages.PrepareKey(_local.Password);
        _checklist = new IceChecklist(role, _options.MaxPairs);
        _consent = new IceConsentFreshness(_options);
        _data.HandlerFailed = e => LogCallbackFailed(nameof(DataReceived), e);
        foreach (IDatagramTransport transport in sockets)
        {
            _locals.AddSocket(transport, relayed: false);
        }
    }

    /// <summary>Raised (outside the agent's lock) on every state change.</summary>
    public event EventHandler<IceConnectionState>? StateChanged;

    /// <summary>Raised (outside the agent's lock) when a new pair is selected.</summary>
    public event EventHandler<IceCandidatePair>? SelectedPairChanged;

    /// <summary>Where non-STUN datagrams from the remote side go (called on the receive loop; keep it short).</summary>
    public IceDataHandler? DataReceived
    {
        get => _data.Handler;
        set => _data.Handler = value;
    }

    /// <summary>Our ufrag and password, for signaling (new ones after <see cref="Restart"/>).</summary>
    public IceCredentials LocalCredentials
    {
        get
        {
            lock (_lock)
            {
                return _local;
            }
        }
    }

    /// <summary>The current role (it may change once on a role conflict).</summary>
    public IceRole Role
    {
        get
        {
            lock (_lock)
            {
                return _role;
            }
        }
    }

    /// <summary>The state.</summary>
    public IceConnectionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The pair data goes over, or null.</summary>
    public IceCandidatePair? SelectedPair
    {
        get
        {
            lock (_lock)
            {
                return _selected;
            }
        }
    }

    /// <summary>
    /// Exceptions thrown by the application's callbacks (<see cref="DataReceived"/>, <see cref="StateChanged"/>,
    /// <see cref="SelectedPairChanged"/>): each is logged and counted, and the agent goes on.
    /// </summary>
    public long CallbackFailures => _data.HandlerFailures + Interlocked.Read(ref _eventFailures);

    /// <summary>Non-STUN datagrams dropped because they came from no valid pair.</summary>
    public long DroppedDatagrams => _data.Dropped;

    /// <summary>Checks from a new address that taught no peer-reflexive candidate: <see cref="IceAgentOptions.MaxRemoteCandidates"/> was reached or the pair list was full.</summary>
    public long DroppedPeerReflexiveCandidates => Interlocked.Read(ref _droppedPeerReflexive);

    /// <summary>A snapshot of the remote candidates, signalled and learnt.</summary>
    public IReadOnlyList<IceCandidate> RemoteCandidates
    {
        get
        {
            lock (_lock)
            {
                return [.. _remoteCandidates];
            }
        }
    }

    /// <summary>A snapshot of the local candidates (peer-reflexive ones learnt from responses included).</summary>
    public IReadOnlyList<IceCandidate> LocalCandidates
    {
        get
        {
            lock (_lock)
            {
                return [.. _locals.Candidates];
            }
        }
    }

    /// <summary>A snapshot of the check list, highest priority first.</summary>
    public IReadOnlyList<IceCandidatePair> Pairs
    {
        get
        {
            lock (_lock)
            {
                return [.. _checklist.Pairs];
            }
        }
    }

    /// <summary>
    /// Starts reading the sockets and gathers host candidates, server-reflexive ones from <see cref="IceAgentOptions.StunServers"/>
    /// and relayed ones from <see cref="IceAgentOptions.RelayedCandidates"/>; redundant candidates are pruned.
    /// </summary>
    /// <returns>The candidates to signal.</returns>
    public async Task<IReadOnlyList<IceCandidate>> GatherAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfDisposed(); // under the lock: DisposeAsync snapshots the receive loops under it
            foreach (IceSocket socket in _locals.Sockets)
            {
                if (socket.BaseCandidate is null)
                {
                    PairNewLocal(_locals.AddBase(socket, IceCandidateType.Host, related: null, server: null));
                    _receiveLoops.Add(ReceiveLoopAsync(socket, _stop.Token));
                }
            }
        }

        await GatherReflexiveAsync(cancellationToken).ConfigureAwait(false);
        bool haveRelays;
        lock (_lock)
        {
            haveRelays = _locals.Sockets.Any(s => s.IsRelayed && !s.Retired);
        }

        if (_options.RelayedCandidates is { } relays && !haveRelays)
        {
            IReadOnlyList<IceRelayedBase> bases = await relays.GetRelayedBasesAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                ThrowIfDisposed(); // disposed while the relays were allocated: start no receive loop the dispose would miss
                foreach (IceRelayedBase relayed in bases)
                {
                    IceSocket socket = _locals.AddSocket(relayed.Transport, relayed: true);
                    PairNewLocal(_locals.AddBase(socket, IceCandidateType.Relayed, relayed.RelatedEndPoint, relayed.ServerEndPoint));
                    _receiveLoops.Add(ReceiveLoopAsync(socket, _stop.Token));
                }
            }
        }

        lock (_lock)
        {
            ThrowIfDisposed();
            return [.. _locals.Candidates.Where(c => c.Type != IceCandidateType.PeerReflexive)];
        }
    }

    /// <summary>Sets the peer's ufrag and password (again after an ICE restart).</summary>
    public void SetRemoteCredentials(IceCredentials remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (!remote.IsWellFormed)
        {
            throw new ArgumentException("ufrag must be at least 4 and password at least 22 ice-chars.", nameof(remote));
        }

        lock (_lock)
        {
            StunHmacSha1Key? old = _remoteKey;
            _remote = remote;
            _remoteKey = IceStunMessages.PrepareKey(remote.Password);
            Retire(old); // pending transactions may still verify with it
        }
    }

    /// <summary>
    /// Adds a remote candidate (from the offer/answer or trickled) and pairs it with the local ones. At most
    /// <see cref="IceAgentOptions.MaxRemoteCandidates"/> are kept (learnt peer-reflexive ones with no live pair make room).
    /// </summary>
    /// <returns>What was done with it.</returns>
    public IceRemoteCandidateResult AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_lock)
        {
            if (candidate.Component != 1 || !candidate.IsUdp)
            {
                return IceRemoteCandidateResult.Unsupported;
            }

            if (_remoteByEndPoint.TryGetValue(candidate.EndPoint, out IceCandidate? known))
            {
                if (_learntRemotes.Remove(candidate.EndPoint))
                {
                    // Learnt from a check first, now signalled: the peer vouches for it, so it is paired with every base.
                    _checklist.AddPairs(_locals.Candidates, [known], _locals.SocketOf);
                }

                return IceRemoteCandidateResult.Duplicate;
            }

            if (!HaveRoomForRemote())
            {
                LogRemoteRefused(candidate.EndPoint);
                return IceRemoteCandidateResult.LimitReached;
            }

            AddRemote(candidate, learnt: false);
            _checklist.AddPairs(_locals.Candidates, [candidate], _locals.SocketOf);
            return IceRemoteCandidateResult.Added;
        }
    }

    /// <summary>Starts the checks (paced at Ta). Call after <see cref="GatherAsync"/>.</summary>
    public void Start()
    {
        var work = new Work();
        lock (_lock)
        {
            ThrowIfDisposed(); // under the lock, so no timer is created after DisposeAsync disposed the old one
            if (_started)
            {
                return;
            }

            _started = true;
            SetState(IceConnectionState.Checking, work);
            _timer = _time.CreateTimer(static s => ((IceAgent)s!).Tick(), this, _options.Ta, _options.Ta);
        }

        Finish(work);
    }

    /// <summary>
    /// ICE restart (RFC 8445 section 9): new local credentials, the check list and remote candidates dropped. Data keeps
    /// flowing on the selected pair until a new one is nominated. Signal the new credentials, then set the peer's new ones.
    /// </summary>
    /// <param name="sockets">
    /// After a network change, the sockets to use from now on (the old ones are still read until the new pair is selected,
    /// but no longer paired; the caller closes them afterwards). Call <see cref="GatherAsync"/> then for the new candidates.
    /// Null to keep the current sockets and candidates.
    /// </param>
    /// <returns>The new local credentials.</returns>
    public IceCredentials Restart(IReadOnlyList<IDatagramTransport>? sockets = null)
    {
        var work = new Work();
        IceCredentials fresh;
        lock (_lock)
        {
            if (sockets is not null)
            {
                _locals.RetireAll();
                foreach (IDatagramTransport transport in sockets)
                {
                    _locals.AddSocket(transport, relayed: false);
                }
            }

            StunHmacSha1Key oldLocal = _localKey;
            StunHmacSha1Key? oldRemote = _remoteKey;
            _local = IceCredentials.Generate();
            _localKey = IceStunMessages.PrepareKey(_local.Password);
            _remote = null;
            _remoteKey = null;
            _remoteCandidates.Clear();
            _remoteByEndPoint.Clear();
            _learntRemotes.Clear();
            _locals.RemovePeerReflexive();
            _checklist = new IceChecklist(_role, _options.MaxPairs);
            _firstValidAt = null;
            _nominating = null;
            foreach (KeyValuePair<StunClient.TransactionKey, IceTransaction> t in _transactions.Where(t => !t.Value.IsConsent).ToList())
            {
                _transactions.Remove(t.Key);
            }

            Retire(oldLocal);
            Retire(oldRemote); // after the check transactions were dropped: only consent ones may still use it
            PublishValidPairs();
            if (_started)
            {
                SetState(IceConnectionState.Checking, work);
            }

            fresh = _local;
        }

        Finish(work); // the Checking event, outside the lock
        return fresh;
    }

    /// <summary>
    /// Sends <paramref name="datagram"/> over the selected pair. Returns false, without sending, when no pair is selected or
    /// consent was lost. Allocates nothing when the socket completes the send synchronously.
    /// </summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default) =>
        _data.SendAsync(datagram, cancellationToken);

    /// <summary>
    /// Demultiplexes one datagram received on <paramref name="socket"/> (RFC 7983): STUN to the checks, the rest to
    /// <see cref="DataReceived"/> when it comes from the selected pair or another valid one. The data path allocates nothing.
    /// </summary>
    internal void ProcessDatagram(IceSocket socket, ReadOnlySpan<byte> datagram, EndPoint remote)
    {
        if (!StunMessage.IsStun(datagram))
        {
            _data.Deliver(socket, datagram, remote);
            return;
        }

        if (StunMessage.TryParse(datagram, out StunMessage message) != StunParseResult.Ok || remote is not IPEndPoint from)
        {
            return;
        }

        if (message.Class is StunClass.SuccessResponse or StunClass.ErrorResponse && socket.Stun is { } stun && stun.TryHandleResponse(datagram))
        {
            return; // a gathering Binding response from a STUN server
        }

        var work = new Work();
        lock (_lock)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            if (message.Class == StunClass.Request)
            {
                HandleRequest(socket, message, from, work);
            }
            else if (message.Class is StunClass.SuccessResponse or StunClass.ErrorResponse)
            {
                HandleResponse(socket, message, from, work);
            }
        }

        Finish(work);
    }

    /// <summary>Stops the timer and the receive loops; pending checks are dropped. The sockets are the caller's to close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var work = new Work();
        Task[] loops;
        IceSocket[] sockets;
        lock (_lock)
        {
            if (_timer is not null)
            {
                _timer.Dispose();
            }

            _data.SendPair = null;
            SetState(IceConnectionState.Closed, work);
            _transactions.Clear();

            // Snapshots: Start and GatherAsync check _disposed under this lock, so nothing is added after this point.
            loops = [.. _receiveLoops];
            sockets = [.. _locals.Sockets];
        }

        Finish(work);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            foreach (IceSocket socket in sockets)
            {
                if (socket.Stun is { } stun)
                {
                    await stun.DisposeAsync().ConfigureAwait(false);
                }
            }

            lock (_lock)
            {
                _localKey.Dispose();
                _remoteKey?.Dispose();
                foreach (StunHmacSha1Key key in _retiredKeys)
                {
                    key.Dispose();
                }
            }

            _stop.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Keys retired by restarts and new remote credentials that pending transactions still need (for tests).</summary>
    internal int RetiredKeyCount
    {
        get
        {
            lock (_lock)
            {
                return _retiredKeys.Count;
            }
        }
    }

    // A replaced key is wiped at once unless a pending transaction still verifies its response with it; the ones kept are
    // wiped at a later retirement or on dispose, so the list holds only keys still needed.
    private void Retire(StunHmacSha1Key? key)
    {
        if (key is not null)
        {
            _retiredKeys.Add(key);
        }

        _retiredKeys.RemoveAll(k =>
        {
            if (k == _localKey || k == _remoteKey || _transactions.Values.Any(t => t.RemoteKey == k))
            {
                return false;
            }

            k.Dispose();
            return true;
        });
    }

    private async Task ReceiveLoopAsync(IceSocket socket, CancellationToken ct)
    {
        await Task.Yield();
        byte[] buffer = new byte[ReceiveBufferSize];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                DatagramReceiveResult received = await socket.Transport.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                ProcessDatagram(socket, buffer.AsSpan(0, received.Length), received.Remote);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (!ct.IsCancellationRequested)
            {
                LogReceiveError(socket.LocalEndPoint, e.SocketErrorCode); // ICMP unreachable from an earlier send: keep reading
            }
        }
    }

    private void SetState(IceConnectionState state, Work work)
    {
        if (_state == state || _state == IceConnectionState.Closed)
        {
            return;
        }

        LogState(_state, state);
        _state = state;
        work.States.Add(state);
    }

    // Sends and events happen outside the lock.
    private void Finish(Work work)
    {
        foreach ((IceSocket socket, byte[] data, IPEndPoint to) in work.Outbox)
        {
            try
            {
                ValueTask send = socket.Transport.SendAsync(data, to, CancellationToken.None);
                if (send.IsCompletedSuccessfully)
                {
                    continue;
                }

                _ = ObserveAsync(send, socket);
            }
            catch (SocketException e)
            {
                LogSendError(socket.LocalEndPoint, e.SocketErrorCode);
            }
            catch (ObjectDisposedException)
            {
                // the caller closed this socket (an old interface after a restart): the events still go out
            }
        }

        foreach (IceConnectionState state in work.States)
        {
            Raise(StateChanged, state, nameof(StateChanged));
        }

        if (work.Selected is { } pair)
        {
            Raise(SelectedPairChanged, pair, nameof(SelectedPairChanged));
        }
    }

    // Events run on the receive loop or the timer thread: a throwing handler must neither end the loop nor escape on the
    // timer thread (which would end the process), nor keep the other handlers from hearing of the change.
    private void Raise<T>(EventHandler<T>? handlers, T value, string name)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (EventHandler<T> handler in handlers.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                handler(this, value);
            }
#pragma warning disable CA1031 // Application code: its failure is logged and counted, and the agent goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _eventFailures);
                LogCallbackFailed(name, e);
            }
        }
    }

    private async Task ObserveAsync(ValueTask send, IceSocket socket)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            LogSendError(socket.LocalEndPoint, e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // closed while sending: nothing to do
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: state {From} -> {To}")]
    private partial void LogState(IceConnectionState from, IceConnectionState to);

    [LoggerMessage(Level = LogLevel.Information, Message = "ICE: no server-reflexive candidate from {Server}: {Reason}")]
    private partial void LogGatherFailed(IPEndPoint server, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: receive error on {Socket}: {Error}, continuing")]
    private partial void LogReceiveError(IPEndPoint socket, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "ICE: the application's {Callback} handler threw; the agent goes on")]
    private partial void LogCallbackFailed(string callback, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ICE: send error on {Socket}: {Error}")]
    private partial void LogSendError(IPEndPoint socket, SocketError error);

    /// <summary>What a locked step wants done after the lock is released.</summary>
    private sealed class Work
    {
        public List<(IceSocket Socket, byte[] Data, IPEndPoint To)> Outbox { get; } = [];

        public List<IceConnectionState> States { get; } = [];

        public IceCandidatePair? Selected { get; set; }
    }
}
