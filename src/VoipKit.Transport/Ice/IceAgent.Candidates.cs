using System.Globalization;
using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Local and remote candidate bookkeeping (RFC 8445 sections 5.1.1–5.1.3).</summary>
internal sealed partial class IceAgent
{
    private async Task GatherReflexiveAsync(CancellationToken cancellationToken)
    {
        var lookups = new List<Task>();
        lock (_lock)
        {
            foreach (IceSocket socket in _sockets.Where(s => !s.IsRelayed && !s.Retired && !s.ReflexiveGathered))
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
                AddReflexive(socket, mapped, server);
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

    /// <summary>Local preference: earlier bases first; the same for every candidate of one base.</summary>
    private static int LocalPreference(IceSocket socket) => 65535 - Math.Min(socket.Index, 65535);

    private void AddBase(IceSocket socket, IceCandidateType type, IPEndPoint? related, IPEndPoint? server)
    {
        var candidate = new IceCandidate
        {
            Foundation = Foundation(type, socket.LocalEndPoint.Address, server),
            Priority = IceCandidate.ComputePriority(type, LocalPreference(socket), 1),
            EndPoint = socket.LocalEndPoint,
            Type = type,
            RelatedEndPoint = related,
        };
        socket.BaseCandidate = candidate;
        AddLocal(candidate);
    }

    private void AddReflexive(IceSocket socket, IPEndPoint mapped, IPEndPoint server)
    {
        var candidate = new IceCandidate
        {
            Foundation = Foundation(IceCandidateType.ServerReflexive, socket.LocalEndPoint.Address, server),
            Priority = IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, LocalPreference(socket), 1),
            EndPoint = mapped,
            Type = IceCandidateType.ServerReflexive,
            RelatedEndPoint = socket.LocalEndPoint,
        };
        AddLocal(candidate);
    }

    // Redundancy (section 5.1.3): a candidate with the same address as one of the same base and higher priority is dropped
    // (a server-reflexive address equal to its host one: no NAT in between).
    private void AddLocal(IceCandidate candidate)
    {
        IPEndPoint baseOf = candidate.RelatedEndPoint is not null && candidate.Type != IceCandidateType.Relayed ? candidate.RelatedEndPoint : candidate.EndPoint;
        int same = _localCandidates.FindIndex(c => c.EndPoint.Equals(candidate.EndPoint) && BaseOf(c).Equals(baseOf));
        if (same >= 0)
        {
            if (_localCandidates[same].Priority >= candidate.Priority)
            {
                return;
            }

            _localCandidates.RemoveAt(same);
        }

        _localCandidates.Add(candidate);
        if (_remoteCandidates.Count > 0 && candidate.Type != IceCandidateType.PeerReflexive)
        {
            _checklist.AddPairs([candidate], _remoteCandidates, SocketOf);
        }
    }

    private static IPEndPoint BaseOf(IceCandidate c) =>
        c.RelatedEndPoint is not null && c.Type != IceCandidateType.Relayed ? c.RelatedEndPoint : c.EndPoint;

    /// <summary>The base a local candidate is sent from.</summary>
    private IceSocket? SocketOf(IceCandidate local)
    {
        IPEndPoint baseAddress = BaseOf(local);
        return _sockets.Find(s => !s.Retired && s.LocalEndPoint.Equals(baseAddress));
    }

    /// <summary>Foundations (section 5.1.1.3): equal for the same type, base IP, server and transport; short numbers.</summary>
    private string Foundation(IceCandidateType type, IPAddress baseAddress, IPEndPoint? server)
    {
        string key = $"{type}|{baseAddress}|{server}|udp";
        if (!_foundations.TryGetValue(key, out string? foundation))
        {
            foundation = (_foundations.Count + 1).ToString(CultureInfo.InvariantCulture);
            _foundations.Add(key, foundation);
        }

        return foundation;
    }

    /// <summary>A remote peer-reflexive candidate from a check's source (section 7.3.1.3), or the known candidate at that address.</summary>
    private IceCandidate RemoteAt(IPEndPoint source, uint priority)
    {
        IceCandidate? known = _remoteCandidates.Find(c => c.EndPoint.Equals(source));
        if (known is not null)
        {
            return known;
        }

        var prflx = new IceCandidate
        {
            Foundation = "p" + (++_prflxCount).ToString(CultureInfo.InvariantCulture),
            Priority = priority,
            EndPoint = source,
            Type = IceCandidateType.PeerReflexive,
        };
        _remoteCandidates.Add(prflx);
        LogPeerReflexive("remote", source);
        return prflx;
    }

    /// <summary>The local candidate at a response's mapped address, or a new local peer-reflexive one (section 7.2.5.3.1).</summary>
    private IceCandidate LocalAt(IceSocket socket, IPEndPoint mapped, uint priority)
    {
        IceCandidate? known = _localCandidates.Find(c => c.EndPoint.Equals(mapped));
        if (known is not null)
        {
            return known;
        }

        var prflx = new IceCandidate
        {
            Foundation = Foundation(IceCandidateType.PeerReflexive, socket.LocalEndPoint.Address, null),
            Priority = priority,
            EndPoint = mapped,
            Type = IceCandidateType.PeerReflexive,
            RelatedEndPoint = socket.LocalEndPoint,
        };
        _localCandidates.Add(prflx);
        LogPeerReflexive("local", mapped);
        return prflx;
    }

    private void PublishValidPairs() => _data.SetValidPairs([.. _checklist.Pairs.Where(p => p.IsValid)]);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "ICE: learnt {Side} peer-reflexive candidate {Address}")]
    private partial void LogPeerReflexive(string side, IPEndPoint address);
}
