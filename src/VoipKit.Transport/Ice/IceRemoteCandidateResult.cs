namespace VoipKit.Transport.Ice;

/// <summary>What <see cref="IceAgent.AddRemoteCandidate"/> did with a signalled candidate.</summary>
internal enum IceRemoteCandidateResult
{
    /// <summary>Added and paired with the local candidates.</summary>
    Added,

    /// <summary>A candidate at that address is already known (signalled, or learnt from a check): nothing changed.</summary>
    Duplicate,

    /// <summary>Not a component-1 UDP candidate: ignored.</summary>
    Unsupported,

    /// <summary>Refused: the agent already holds <see cref="IceAgentOptions.MaxRemoteCandidates"/> remote candidates.</summary>
    LimitReached,
}
