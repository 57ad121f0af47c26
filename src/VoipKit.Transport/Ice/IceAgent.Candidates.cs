using System.Globalization;
using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Gathering server-reflexive candidates, and the peer-reflexive candidates learnt from checks and responses.</summary>
internal sealed partial class IceAgent
{
    private async Task GatherReflexiveAsync(CancellationToken cancellationToken)
    {
        var lookups = new List<Task>();
        lock (_lock)
        {
            foreach (IceSocket socket in _locals.Sockets.Where(s => !s.IsRelayed && !s.Retired && !s.ReflexiveGathered))
            {
                socket.ReflexiveGathered = true;
                foreach (IPEndPoint server in _options.StunServers.Where(s => s.AddressFamily == socket.LocalEndPoint.AddressFamily))
                {
                    socket.Stun ??= new StunClient(socket.Transport, _time, _options.GatherStunOptions with { RunReceiveLoop = false });
                    lookups.Add(GatherReflexiveAsync(socket, server, cancellationToken));
                }
            }
        }

        await Task.WhenAll(lookups).ConfigureAwait(false);
    }

    private async Task GatherReflexiveAsync(IceSocket socket, IPEndPoint server, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.GatherTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _stop.Token);
        try
        {
            IPEndPoint mapped = await socket.Stun!.GetMappedAddressAsync(server, linked.Token).ConfigureAwait(false);
            lock (_lock)
            {
                ThrowIfDisposed();
                PairNewLocal(_locals.AddReflexive(socket, mapped, server));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogGatherFailed(server, "no answer");
        }
        catch (TimeoutException)
        {
            LogGatherFailed(server, "no answer");
        }
        catch (StunErrorResponseException e)
        {
            LogGatherFailed(server, e.Message);
        }
        catch (InvalidDataException e)
        {
            LogGatherFailed(server, e.Message);
        }
    }

    // A new host, relayed or server-reflexive candidate is paired with the signalled remote candidates known so far; a learnt
    // peer-reflexive one stays paired only with the base its check arrived on (RFC 8445 section 7.3.1.3).
    private void PairNewLocal(IceCandidate? candidate)
    {
        if (candidate is not null && _remoteCandidates.Count > _learntRemotes.Count)
        {
            _checklist.AddPairs([candidate], _remoteCandidates.Where(c => !_learntRemotes.Contains(c.EndPoint)), _locals.SocketOf);
        }
    }

    /// <summary>
    /// The pair for a check that arrived on <paramref name="socket"/> from <paramref name="source"/>: found, or added with the
    /// known remote candidate there or a new peer-reflexive one (section 7.3.1.3). The new candidate is kept only when its pair
    /// is. Null when the remote candidate limit or the pair limit leaves no room (counted).
    /// </summary>
    private IceCandidatePair? PairForCheck(IceSocket socket, IceCandidate localBase, IPEndPoint source, uint priority)
    {
        if (_checklist.Find(socket, source) is { } existing)
        {
            return existing;
        }

        if (_remoteByEndPoint.TryGetValue(source, out IceCandidate? known))
        {
            return _checklist.Add(new IceCandidatePair(localBase, known, socket, _role) { RemoteLearnt = _learntRemotes.Contains(source) });
        }

        if (!HaveRoomForRemote())
        {
            DropPeerReflexive(source);
            return null;
        }

        var prflx = new IceCandidate
        {
            Foundation = "p" + (_prflxCount + 1).ToString(CultureInfo.InvariantCulture),
            Priority = priority,
            EndPoint = source,
            Type = IceCandidateType.PeerReflexive,
        };
        IceCandidatePair? pair = _checklist.Add(new IceCandidatePair(localBase, prflx, socket, _role) { RemoteLearnt = true });
        if (pair is null)
        {
            DropPeerReflexive(source); // the list is full of pairs that may not be dropped
            return null;
        }

        _prflxCount++;
        AddRemote(prflx, learnt: true);
        LogPeerReflexive("remote", source);
        return pair;
    }

    private void AddRemote(IceCandidate candidate, bool learnt)
    {
        _remoteCandidates.Add(candidate);
        _remoteByEndPoint.Add(candidate.EndPoint, candidate);
        if (learnt)
        {
            _learntRemotes.Add(candidate.EndPoint);
        }
    }

    // Below the limit, or made so by forgetting learnt peer-reflexive candidates that no longer have a live pair (dropped
    // from the full list, concluded, or failed).
    private bool HaveRoomForRemote()
    {
        if (_remoteCandidates.Count < _options.MaxRemoteCandidates)
        {
            return true;
        }

        if (_learntRemotes.Count == 0)
        {
            return false;
        }

        var live = new HashSet<IPEndPoint>();
        foreach (IceCandidatePair p in _checklist.Pairs)
        {
            if (p.State != IceCandidatePairState.Failed || p.IsValid)
            {
                live.Add(p.Remote.EndPoint);
            }
        }

        if (_selected is not null)
        {
            live.Add(_selected.Remote.EndPoint);
        }

        _remoteCandidates.RemoveAll(c =>
        {
            if (!_learntRemotes.Contains(c.EndPoint) || live.Contains(c.EndPoint))
            {
                return false;
            }

            _learntRemotes.Remove(c.EndPoint);
            _remoteByEndPoint.Remove(c.EndPoint);
            return true;
        });
        return _remoteCandidates.Count < _options.MaxRemoteCandidates;
    }

    private void DropPeerReflexive(IPEndPoint source)
    {
        Interlocked.Increment(ref _droppedPeerReflexive);
        LogPeerReflexiveDropped(source);
    }

    private IceCandidate LocalAt(IceSocket socket, IPEndPoint mapped, uint priority)
    {
        IceCandidate local = _locals.LocalAt(socket, mapped, priority, out bool learnt);
        if (learnt)
        {
            LogPeerReflexive("local", mapped);
        }

        return local;
    }

    private void PublishValidPairs() => _data.SetValidPairs([.. _checklist.Pairs.Where(p => p.IsValid)]);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "ICE: learnt {Side} peer-reflexive candidate {Address}")]
    private partial void LogPeerReflexive(string side, IPEndPoint address);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "ICE: check from {Address} teaches no peer-reflexive candidate: remote candidate or pair limit reached")]
    private partial void LogPeerReflexiveDropped(IPEndPoint address);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "ICE: remote candidate {Address} refused: remote candidate limit reached")]
    private partial void LogRemoteRefused(IPEndPoint address);
}
