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

    // A new host, relayed or server-reflexive candidate is paired with the remote candidates known so far.
    private void PairNewLocal(IceCandidate? candidate)
    {
        if (candidate is not null && _remoteCandidates.Count > 0)
        {
            _checklist.AddPairs([candidate], _remoteCandidates, _locals.SocketOf);
        }
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
}
