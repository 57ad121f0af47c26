using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Media.Session;
using VoipKit.Signaling.Sdp;
using VoipKit.Transport.Ice;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;
using SdpCandidate = VoipKit.Signaling.Sdp.IceCandidate;
using TransportCandidate = VoipKit.Transport.Ice.IceCandidate;

namespace VoipKit;

/// <summary>
/// A call's media path: its sockets, its ICE agent and relays, and the media session's transport over them. Media goes
/// only to a pair ICE validated; a peer without ICE (a standard phone) gets media at its SDP address instead.
/// </summary>
internal sealed partial class CallMediaPath : IMediaTransport, IAsyncDisposable
{
    private readonly List<IDatagramTransport> _sockets = [];
    private readonly IAsyncDisposable? _relayOwner;
    private readonly IceAgent _agent;
    private readonly ILogger _logger;
    private readonly IceTransportPolicy _policy;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MediaSession? _media;
    private TaskCompletionSource _reselected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IPEndPoint? _direct;
    private Task? _directLoop;
    private long _sendFailures;
    private int _disposed;

    public CallMediaPath(IceRole role, IceSettings settings, Func<IPAddress, IDatagramTransport> openSocket, IRelayedCandidateSource? relays, IAsyncDisposable? relayOwner, TimeProvider time, ILoggerFactory loggers)
    {
        _policy = settings.Policy;
        _logger = loggers.CreateLogger<CallMediaPath>();
        _relayOwner = relayOwner;
        if (settings.Policy == IceTransportPolicy.All)
        {
            foreach (IPAddress address in settings.HostAddresses)
            {
                _sockets.Add(openSocket(address));
            }
        }

        var options = new IceAgentOptions
        {
            StunServers = settings.Policy == IceTransportPolicy.All ? settings.StunServers : [],
            RelayedCandidates = relays,
        };
        _agent = new IceAgent(role, [.. _sockets], options, time, loggers.CreateLogger<IceAgent>());
        _agent.DataReceived = datagram => Volatile.Read(ref _media)?.OnPacketReceived(datagram);
        _agent.StateChanged += OnIceStateChanged;
    }

    /// <summary>Raised (outside the agent's lock) when ICE connects, disconnects, fails or restarts.</summary>
    public event EventHandler<IceConnectionState>? StateChanged;

    public IceCredentials LocalCredentials => _agent.LocalCredentials;

    public IceConnectionState State => _agent.State;

    public bool UsesIce => _direct is null;

    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Bytes that went through a TURN relay on the selected pair, both directions (0 on a direct path).</summary>
    public long RelayedBytes => _direct is null && _agent.SelectedPair?.Socket.Transport is TurnRelayTransport relay
        ? relay.Counters.BytesSent + relay.Counters.BytesReceived
        : 0;

    /// <summary>The path media takes now, or null before one is chosen.</summary>
    public CallPath? Path
    {
        get
        {
            if (_direct is { } direct)
            {
                return _sockets.Count > 0 ? new CallPath(CallPathType.Signalled, CallPathType.Signalled, (IPEndPoint)_sockets[0].LocalEndPoint, direct) : null;
            }

            return _agent.SelectedPair is { } pair
                ? new CallPath(TypeOf((pair.MappedLocal ?? pair.Local).Type), TypeOf(pair.Remote.Type), (pair.MappedLocal ?? pair.Local).EndPoint, pair.Remote.EndPoint)
                : null;
        }
    }

    /// <summary>Gathers candidates: the default address for c=/m= and the candidates for the SDP.</summary>
    public async Task<(string Address, int Port, IReadOnlyList<SdpCandidate> Candidates)> GatherAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<TransportCandidate> gathered = await _agent.GatherAsync(cancellationToken).ConfigureAwait(false);
        if (_policy == IceTransportPolicy.Relay)
        {
            gathered = [.. gathered.Where(c => c.Type == Transport.Ice.IceCandidateType.Relayed)];
        }

        if (gathered.Count == 0)
        {
            throw new CallException(new CallEnd(CallEndReason.NetworkLost, null,
                _policy == IceTransportPolicy.Relay ? "no TURN relay could be allocated (relay-only policy)" : "no local address to send media from"));
        }

        // RFC 8445 section 5.1.4: the default candidate is the one most likely to work; a relay when relays are required.
        TransportCandidate preferred = gathered.MaxBy(c => c.Priority)!;
        return (preferred.EndPoint.Address.ToString(), preferred.EndPoint.Port, [.. gathered.Select(ToSdp)]);
    }

    /// <summary>Starts checks with what the peer signalled, or for a peer without ICE sends to its SDP address.</summary>
    /// <param name="remote">The negotiated audio.</param>
    /// <param name="allowWithoutIce">
    /// Whether a peer without ICE may get media at its SDP address. Only standard phones need that; VoipKit peers always
    /// do ICE, and without consent checks (RFC 7675) the remote party could aim our media stream at anyone.
    /// </param>
    public async Task StartAsync(NegotiatedAudio remote, bool allowWithoutIce)
    {
        if (remote.RemoteIceUfrag is { } ufrag && remote.RemoteIcePwd is { } pwd)
        {
            _agent.SetRemoteCredentials(new IceCredentials(ufrag, pwd));
            AddRemoteCandidates(remote);
            _agent.Start();
            return;
        }

        if (!allowWithoutIce)
        {
            throw new CallException(new CallEnd(CallEndReason.SecurityRefused, 488, "the peer's answer has no ICE: media goes only to addresses that consent to it"));
        }

        if (_policy == IceTransportPolicy.Relay || _sockets.Count == 0)
        {
            throw new CallException(new CallEnd(CallEndReason.NetworkLost, null, "the peer does not do ICE, and the relay-only policy forbids sending to its address directly"));
        }

        // A standard phone without ICE: media to and from the SDP address on our default socket (its first host one).
        await _agent.DisposeAsync().ConfigureAwait(false);
        _direct = new IPEndPoint(IPAddress.Parse(remote.RemoteAddress), remote.RemotePort);
        _directLoop = ReceiveDirectAsync(_sockets[0], _stop.Token);
        _connected.TrySetResult();
    }

    /// <summary>Applies a re-offer or re-answer: an ICE restart when the peer's credentials changed, new candidates otherwise.</summary>
    public void Update(NegotiatedAudio remote)
    {
        if (!UsesIce || remote.RemoteIceUfrag is not { } ufrag || remote.RemoteIcePwd is not { } pwd)
        {
            return;
        }

        _agent.SetRemoteCredentials(new IceCredentials(ufrag, pwd));
        AddRemoteCandidates(remote);
    }

    /// <summary>ICE restart (RFC 8445 section 9): new local credentials; the current pair carries media until a new one is nominated.</summary>
    public IceCredentials Restart()
    {
        Volatile.Write(ref _reselected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _agent.Restart();
    }

    /// <summary>Waits until ICE has nominated a pair again after <see cref="Restart"/>.</summary>
    public Task WaitReselectedAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        Volatile.Read(ref _reselected).Task.WaitAsync(timeout, time, cancellationToken);

    /// <summary>Waits until ICE has selected a pair.</summary>
    /// <exception cref="CallException">NetworkLost when ICE fails or <paramref name="timeout"/> passes.</exception>
    public async Task WaitConnectedAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await _connected.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new CallException(new CallEnd(CallEndReason.NetworkLost, null, $"no media path found in {timeout.TotalSeconds:F0} s"), e);
        }
    }

    public void Attach(MediaSession media) => Volatile.Write(ref _media, media);

    void IMediaTransport.Send(ReadOnlySpan<byte> packet)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        // The session's buffer is reused for the next packet: copy into a pooled one for the send.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(packet.Length);
        packet.CopyTo(buffer);
        ReadOnlyMemory<byte> data = buffer.AsMemory(0, packet.Length);
        try
        {
            if (_direct is { } direct)
            {
                ValueTask send = _sockets[0].SendAsync(data, direct, CancellationToken.None);
                if (send.IsCompletedSuccessfully)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                else
                {
                    _ = FinishAsync(send.AsTask(), buffer);
                }
            }
            else
            {
                ValueTask<bool> send = _agent.SendAsync(data);
                if (send.IsCompletedSuccessfully)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    if (!send.Result)
                    {
                        Interlocked.Increment(ref _sendFailures); // no pair yet, or consent lost
                    }
                }
                else
                {
                    _ = FinishAsync(send.AsTask(), buffer);
                }
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _sendFailures);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _agent.StateChanged -= OnIceStateChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _agent.DisposeAsync().ConfigureAwait(false);
        if (_relayOwner is not null)
        {
            await _relayOwner.DisposeAsync().ConfigureAwait(false);
        }

        foreach (IDatagramTransport socket in _sockets)
        {
            (socket as IDisposable)?.Dispose();
        }

        if (_directLoop is not null)
        {
            await _directLoop.ConfigureAwait(false);
        }

        _connected.TrySetCanceled();
        _stop.Dispose();
    }

    private static CallPathType TypeOf(Transport.Ice.IceCandidateType type) => type switch
    {
        Transport.Ice.IceCandidateType.Host => CallPathType.Host,
        Transport.Ice.IceCandidateType.ServerReflexive => CallPathType.ServerReflexive,
        Transport.Ice.IceCandidateType.PeerReflexive => CallPathType.PeerReflexive,
        _ => CallPathType.Relayed,
    };

    private static SdpCandidate ToSdp(TransportCandidate c) => SdpCandidate.Parse(c.ToString());

    private async Task FinishAsync(Task send, byte[] buffer)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AddRemoteCandidates(NegotiatedAudio remote)
    {
        foreach (SdpCandidate c in remote.RemoteCandidates)
        {
            if (TransportCandidate.TryParse(c.ToString(), out TransportCandidate? candidate))
            {
                _agent.AddRemoteCandidate(candidate);
            }
        }

        if (remote.RemoteCandidates.Count == 0 && IPAddress.TryParse(remote.RemoteAddress, out IPAddress? address) && remote.RemotePort > 0)
        {
            // RFC 8445 section 5.1.4: with no candidate lines the default destination is the only candidate.
            _agent.AddRemoteCandidate(new TransportCandidate
            {
                Foundation = "default",
                EndPoint = new IPEndPoint(address, remote.RemotePort),
                Priority = TransportCandidate.ComputePriority(Transport.Ice.IceCandidateType.Host, 65535, 1),
            });
        }
    }

    private void OnIceStateChanged(object? sender, IceConnectionState state)
    {
        if (state is IceConnectionState.Connected or IceConnectionState.Completed)
        {
            _connected.TrySetResult();
            Volatile.Read(ref _reselected).TrySetResult();
        }
        else if (state == IceConnectionState.Failed && !_connected.Task.IsCompleted)
        {
            _connected.TrySetException(new CallException(new CallEnd(CallEndReason.NetworkLost, null, "ICE found no working path (every candidate pair failed)")));
        }

        StateChanged?.Invoke(this, state);
    }

    private async Task ReceiveDirectAsync(IDatagramTransport socket, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1500];
        while (!cancellationToken.IsCancellationRequested)
        {
            DatagramReceiveResult r;
            try
            {
                r = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                LogReceiveError(_logger, e.SocketErrorCode);
                continue; // ICMP port unreachable and the like: the call goes on
            }

            // SRTP authentication in the session is what filters strangers here; STUN from a peer without ICE is dropped.
            if (!StunMessage.IsStun(buffer.AsSpan(0, r.Length)))
            {
                Volatile.Read(ref _media)?.OnPacketReceived(buffer.AsSpan(0, r.Length));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Media socket receive error {Error}")]
    private static partial void LogReceiveError(ILogger logger, System.Net.Sockets.SocketError error);
}
