using System.Globalization;
using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>
/// The agent's bases and local candidates (RFC 8445 sections 5.1.1–5.1.3): local preferences, foundations, redundancy
/// pruning, peer-reflexive candidates from responses. Not thread-safe: the agent holds its lock.
/// </summary>
internal sealed class IceLocalCandidates
{
    private readonly List<IceSocket> _sockets = [];
    private readonly List<IceCandidate> _candidates = [];
    private readonly Dictionary<string, string> _foundations = new(StringComparer.Ordinal);

    /// <summary>Every base, retired ones included (they are still read).</summary>
    public IReadOnlyList<IceSocket> Sockets => _sockets;

    /// <summary>The local candidates, peer-reflexive ones included.</summary>
    public IReadOnlyList<IceCandidate> Candidates => _candidates;

    /// <summary>Local preference: earlier bases first; the same for every candidate of one base.</summary>
    public static int LocalPreference(IceSocket socket) => 65535 - Math.Min(socket.Index, 65535);

    /// <summary>Adds a base; its index (hence local preference) follows the bases still in use.</summary>
    public IceSocket AddSocket(IDatagramTransport transport, bool relayed)
    {
        var socket = new IceSocket(transport, _sockets.Count(s => !s.Retired), relayed);
        _sockets.Add(socket);
        return socket;
    }

    /// <summary>ICE restart onto new sockets: the current bases are no longer paired and their candidates are forgotten.</summary>
    public void RetireAll()
    {
        foreach (IceSocket socket in _sockets)
        {
            socket.Retired = true;
        }

        _candidates.Clear();
    }

    /// <summary>Forgets the peer-reflexive candidates (ICE restart).</summary>
    public void RemovePeerReflexive() => _candidates.RemoveAll(c => c.Type == IceCandidateType.PeerReflexive);

    /// <summary>The host or relayed candidate of <paramref name="socket"/>, which becomes its base candidate.</summary>
    /// <returns>The candidate, or null when pruned as redundant.</returns>
    public IceCandidate? AddBase(IceSocket socket, IceCandidateType type, IPEndPoint? related, IPEndPoint? server)
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
        return Add(candidate) ? candidate : null;
    }

    /// <summary>A server-reflexive candidate of <paramref name="socket"/> learnt from <paramref name="server"/>.</summary>
    /// <returns>The candidate, or null when pruned as redundant (no NAT: the mapped address is the base).</returns>
    public IceCandidate? AddReflexive(IceSocket socket, IPEndPoint mapped, IPEndPoint server)
    {
        var candidate = new IceCandidate
        {
            Foundation = Foundation(IceCandidateType.ServerReflexive, socket.LocalEndPoint.Address, server),
            Priority = IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, LocalPreference(socket), 1),
            EndPoint = mapped,
            Type = IceCandidateType.ServerReflexive,
            RelatedEndPoint = socket.LocalEndPoint,
        };
        return Add(candidate) ? candidate : null;
    }

    /// <summary>The local candidate at a response's mapped address, or a new local peer-reflexive one (section 7.2.5.3.1).</summary>
    public IceCandidate LocalAt(IceSocket socket, IPEndPoint mapped, uint priority, out bool learnt)
    {
        learnt = false;
        IceCandidate? known = _candidates.Find(c => c.EndPoint.Equals(mapped));
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
        _candidates.Add(prflx);
        learnt = true;
        return prflx;
    }

    /// <summary>The base (in use) a local candidate is sent from.</summary>
    public IceSocket? SocketOf(IceCandidate local)
    {
        IPEndPoint baseAddress = BaseOf(local);
        return _sockets.Find(s => !s.Retired && s.LocalEndPoint.Equals(baseAddress));
    }

    private static IPEndPoint BaseOf(IceCandidate c) =>
        c.RelatedEndPoint is not null && c.Type != IceCandidateType.Relayed ? c.RelatedEndPoint : c.EndPoint;

    // Redundancy (section 5.1.3): a candidate with the same address as one of the same base and higher priority is dropped.
    private bool Add(IceCandidate candidate)
    {
        IPEndPoint baseOf = BaseOf(candidate);
        int same = _candidates.FindIndex(c => c.EndPoint.Equals(candidate.EndPoint) && BaseOf(c).Equals(baseOf));
        if (same >= 0)
        {
            if (_candidates[same].Priority >= candidate.Priority)
            {
                return false;
            }

            _candidates.RemoveAt(same);
        }

        _candidates.Add(candidate);
        return true;
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
}
