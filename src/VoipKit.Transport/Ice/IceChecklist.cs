using System.Net;

namespace VoipKit.Transport.Ice;

/// <summary>
/// The check list of one data stream with one component (RFC 8445 section 6.1.2): pairing, sorting by pair priority,
/// pruning redundant pairs, the pair limit, frozen/waiting states by foundation, and the triggered-check queue.
/// Not thread-safe: the agent holds its lock.
/// </summary>
internal sealed class IceChecklist
{
    private readonly List<IceCandidatePair> _pairs = [];
    private readonly LinkedList<IceCandidatePair> _triggered = new();
    private readonly int _maxPairs;
    private IceRole _role;

    /// <summary>An empty list for <paramref name="role"/>, holding at most <paramref name="maxPairs"/> pairs (RFC 8445 suggests 100).</summary>
    public IceChecklist(IceRole role, int maxPairs = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPairs, 1);
        _role = role;
        _maxPairs = maxPairs;
    }

    /// <summary>The pairs, highest priority first.</summary>
    public IReadOnlyList<IceCandidatePair> Pairs => _pairs;

    /// <summary>How many triggered checks wait.</summary>
    public int TriggeredCount => _triggered.Count;

    /// <summary>Whether no pair is frozen, waiting or in progress and no triggered check waits.</summary>
    public bool IsIdle =>
        _triggered.Count == 0 && !_pairs.Exists(p => p.State is IceCandidatePairState.Frozen or IceCandidatePairState.Waiting or IceCandidatePairState.InProgress);

    /// <summary>Whether every pair failed (and there is at least one).</summary>
    public bool AllFailed => _pairs.Count > 0 && _pairs.TrueForAll(p => p.State == IceCandidatePairState.Failed);

    /// <summary>
    /// Pairs every local candidate with every remote one of the same component and address family, a server-reflexive
    /// local candidate replaced by its base (section 6.1.2.4), keeps the highest-priority pair per (base, remote) and
    /// at most the pair limit, then sets the initial states (section 6.1.2.6). Returns the pairs added.
    /// </summary>
    public IReadOnlyList<IceCandidatePair> AddPairs(IEnumerable<IceCandidate> locals, IEnumerable<IceCandidate> remotes, Func<IceCandidate, IceSocket?> socketOf)
    {
        var added = new List<IceCandidatePair>();
        foreach (IceCandidate remote in remotes)
        {
            foreach (IceCandidate candidate in locals)
            {
                IceCandidatePair? pair = Pair(candidate, remote, socketOf);
                if (pair is not null && TryInsert(pair))
                {
                    added.Add(pair);
                }
            }
        }

        EnforceLimit(added);
        UnfreezeInitial();
        return added;
    }

    /// <summary>Adds one pair (a peer-reflexive one, or a valid pair built from a response) unless an equal one exists.</summary>
    /// <returns>The pair in the list: <paramref name="pair"/> or the one already there; null when the limit dropped it.</returns>
    public IceCandidatePair? Add(IceCandidatePair pair)
    {
        if (Find(pair.Socket, pair.Remote.EndPoint) is { } existing)
        {
            return existing;
        }

        TryInsert(pair);
        var added = new List<IceCandidatePair> { pair };
        EnforceLimit(added);
        return added.Count == 1 ? pair : null;
    }

    /// <summary>The pair sending from <paramref name="socket"/> to <paramref name="remote"/>, if any.</summary>
    public IceCandidatePair? Find(IceSocket socket, IPEndPoint remote)
    {
        foreach (IceCandidatePair p in _pairs)
        {
            if (p.Socket == socket && p.Remote.EndPoint.Equals(remote))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Queues a triggered check (section 7.3.1.4), at most once.</summary>
    public void Trigger(IceCandidatePair pair)
    {
        if (!_triggered.Contains(pair))
        {
            _triggered.AddLast(pair);
        }
    }

    /// <summary>
    /// The next pair to check when Ta fires (section 6.1.4.2): the first triggered check; else the highest-priority Waiting
    /// pair; else the highest-priority Frozen pair whose foundation has nothing Waiting or In-Progress, unfrozen. Null when none.
    /// </summary>
    public IceCandidatePair? NextCheck()
    {
        while (_triggered.First?.Value is { } first)
        {
            _triggered.RemoveFirst();
            if (_pairs.Contains(first))
            {
                return first;
            }
        }

        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Waiting)
            {
                return p;
            }
        }

        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Frozen && !FoundationActive(p.Foundation))
            {
                p.State = IceCandidatePairState.Waiting;
                return p;
            }
        }

        return null;
    }

    /// <summary>After a success, the Frozen pairs of the same foundation become Waiting (section 7.2.5.3.3).</summary>
    public void UnfreezeFoundation(string foundation)
    {
        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Frozen && p.Foundation == foundation)
            {
                p.State = IceCandidatePairState.Waiting;
            }
        }
    }

    /// <summary>Recomputes the priorities for a new role (role conflict) and sorts again.</summary>
    public void SetRole(IceRole role)
    {
        _role = role;
        foreach (IceCandidatePair p in _pairs)
        {
            p.UpdatePriority(role);
        }

        Sort();
    }

    /// <summary>Once a pair is nominated, the Waiting and Frozen pairs are dropped and triggered checks cancelled (section 8.1.2).</summary>
    public void Conclude()
    {
        _triggered.Clear();
        _pairs.RemoveAll(p => p.State is IceCandidatePairState.Waiting or IceCandidatePairState.Frozen);
    }

    /// <summary>The valid pair with the highest priority whose last check did not fail, or null.</summary>
    public IceCandidatePair? BestValid() => _pairs.Find(p => p.IsValid && p.State != IceCandidatePairState.Failed);

    /// <summary>Whether a pair of higher priority than <paramref name="pair"/> may still succeed.</summary>
    public bool HigherMayStillSucceed(IceCandidatePair pair)
    {
        foreach (IceCandidatePair p in _pairs)
        {
            if (p == pair || p.Priority < pair.Priority)
            {
                return false;
            }

            if (p.State is IceCandidatePairState.Frozen or IceCandidatePairState.Waiting or IceCandidatePairState.InProgress)
            {
                return true;
            }
        }

        return false;
    }

    private IceCandidatePair? Pair(IceCandidate local, IceCandidate remote, Func<IceCandidate, IceSocket?> socketOf)
    {
        if (local.Component != remote.Component || !local.IsUdp || !remote.IsUdp
            || local.EndPoint.AddressFamily != remote.EndPoint.AddressFamily)
        {
            return null;
        }

        IceSocket? socket = socketOf(local);
        if (socket?.BaseCandidate is null)
        {
            return null;
        }

        // A server-reflexive candidate is checked from its base: the pair uses the base candidate.
        IceCandidate pairLocal = local.Type == IceCandidateType.ServerReflexive ? socket.BaseCandidate : local;
        return new IceCandidatePair(pairLocal, remote, socket, _role);
    }

    // Inserts in priority order unless a pair with the same base and remote exists; a higher-priority duplicate replaces it.
    private bool TryInsert(IceCandidatePair pair)
    {
        int existing = _pairs.FindIndex(p => p.Socket == pair.Socket && p.Remote.EndPoint.Equals(pair.Remote.EndPoint));
        if (existing >= 0)
        {
            if (_pairs[existing].Priority >= pair.Priority || _pairs[existing].State != IceCandidatePairState.Frozen)
            {
                return false;
            }

            _pairs.RemoveAt(existing);
        }

        int index = _pairs.FindIndex(p => p.Priority < pair.Priority);
        _pairs.Insert(index < 0 ? _pairs.Count : index, pair);
        return true;
    }

    private void EnforceLimit(List<IceCandidatePair> added)
    {
        while (_pairs.Count > _maxPairs)
        {
            // Drop the lowest-priority pair that nothing depends on yet, a learnt peer-reflexive one first: its priority is
            // the peer's choice (or an attacker's), so it must not push signalled pairs out.
            int victim = _pairs.FindLastIndex(p => p.RemoteLearnt && IsEvictable(p));
            if (victim < 0)
            {
                victim = _pairs.FindLastIndex(IsEvictable);
            }

            if (victim < 0)
            {
                break;
            }

            added.Remove(_pairs[victim]);
            _triggered.Remove(_pairs[victim]);
            _pairs.RemoveAt(victim);
        }
    }

    private static bool IsEvictable(IceCandidatePair p) =>
        p.State is IceCandidatePairState.Frozen or IceCandidatePairState.Waiting or IceCandidatePairState.Failed;

    // Section 6.1.2.6: per foundation, the highest-priority pair (lowest component) starts Waiting if nothing of that foundation runs.
    private void UnfreezeInitial()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State != IceCandidatePairState.Frozen)
            {
                seen.Add(p.Foundation);
            }
        }

        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Frozen && seen.Add(p.Foundation))
            {
                p.State = IceCandidatePairState.Waiting;
            }
        }
    }

    private bool FoundationActive(string foundation) =>
        _pairs.Exists(p => p.Foundation == foundation && p.State is IceCandidatePairState.Waiting or IceCandidatePairState.InProgress);

    private void Sort() => _pairs.Sort((a, b) => b.Priority.CompareTo(a.Priority));
}
