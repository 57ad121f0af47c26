namespace VoipKit.Transport.Ice;

/// <summary>
/// A local candidate's base paired with a remote candidate (RFC 8445 section 6.1.2). Mutated only under the agent's lock.
/// </summary>
internal sealed class IceCandidatePair
{
    /// <summary>Pairs <paramref name="local"/> (a host, relayed or peer-reflexive candidate, sent from <paramref name="socket"/>) with <paramref name="remote"/>.</summary>
    public IceCandidatePair(IceCandidate local, IceCandidate remote, IceSocket socket, IceRole role)
    {
        Local = local;
        Remote = remote;
        Socket = socket;
        Foundation = local.Foundation + ":" + remote.Foundation;
        UpdatePriority(role);
    }

    /// <summary>The local candidate.</summary>
    public IceCandidate Local { get; }

    /// <summary>The remote candidate.</summary>
    public IceCandidate Remote { get; }

    /// <summary>The base the checks and data go out of.</summary>
    public IceSocket Socket { get; }

    /// <summary>The pair foundation: the two candidates' foundations.</summary>
    public string Foundation { get; }

    /// <summary>The pair priority for the agent's current role.</summary>
    public ulong Priority { get; private set; }

    /// <summary>The check state.</summary>
    public IceCandidatePairState State { get; set; } = IceCandidatePairState.Frozen;

    /// <summary>Whether a check of this pair succeeded (or it was built from one): it is in the valid list.</summary>
    public bool IsValid { get; set; }

    /// <summary>The local candidate of the valid pair a success built (RFC 8445 section 7.2.5.3.2): the candidate at the mapped address, often server- or peer-reflexive.</summary>
    public IceCandidate? MappedLocal { get; set; }

    /// <summary>Whether the pair was nominated (USE-CANDIDATE sent and answered, or received on a valid pair).</summary>
    public bool IsNominated { get; set; }

    /// <summary>Controlled agent: a check with USE-CANDIDATE arrived before this pair was valid; nominate when it becomes valid.</summary>
    public bool NominateWhenValid { get; set; }

    /// <summary>
    /// Whether the remote candidate was learnt from a check (peer-reflexive, RFC 8445 section 7.3.1.3) rather than signalled:
    /// the peer chose its priority, so these pairs are the first dropped when the list is full.
    /// </summary>
    public bool RemoteLearnt { get; init; }

    /// <summary>Controlling agent: the next check of this pair carries USE-CANDIDATE.</summary>
    public bool SendUseCandidate { get; set; }

    /// <summary>RFC 8445 section 6.1.2.3: 2^32·MIN(G,D) + 2·MAX(G,D) + (G&gt;D ? 1 : 0), G the controlling side's priority.</summary>
    public static ulong ComputePriority(uint controlling, uint controlled)
    {
        ulong min = Math.Min(controlling, controlled);
        ulong max = Math.Max(controlling, controlled);
        return (min << 32) + (2 * max) + (controlling > controlled ? 1UL : 0UL);
    }

    /// <summary>Recomputes <see cref="Priority"/> after a role change.</summary>
    public void UpdatePriority(IceRole role) =>
        Priority = role == IceRole.Controlling ? ComputePriority(Local.Priority, Remote.Priority) : ComputePriority(Remote.Priority, Local.Priority);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{IceCandidate.TypeName(Local.Type)} {Local.EndPoint} (base {Socket}) -> {IceCandidate.TypeName(Remote.Type)} {Remote.EndPoint} [{State}{(IsNominated ? ", nominated" : "")}]";
}
