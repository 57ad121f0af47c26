using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>One outstanding check or consent request, retransmitted by the agent's Ta timer.</summary>
internal sealed class IceTransaction
{
    /// <summary>The pair checked.</summary>
    public required IceCandidatePair Pair { get; init; }

    /// <summary>The request bytes, resent unchanged.</summary>
    public required byte[] Request { get; init; }

    /// <summary>The key the response must be signed with (the remote password of the generation it was sent in).</summary>
    public required StunHmacSha1Key RemoteKey { get; init; }

    /// <summary>The role the request claimed.</summary>
    public IceRole Role { get; init; }

    /// <summary>The PRIORITY sent: the priority of a peer-reflexive candidate learnt from the response.</summary>
    public uint Priority { get; init; }

    /// <summary>Whether the request carried USE-CANDIDATE.</summary>
    public bool UseCandidate { get; init; }

    /// <summary>A consent freshness request rather than a check.</summary>
    public bool IsConsent { get; init; }

    /// <summary>
    /// A newer check of the same pair replaced it (RFC 8445 section 7.3.1.4): no more retransmissions and no failure on
    /// timeout, but a response still counts until it is due.
    /// </summary>
    public bool Cancelled { get; set; }

    /// <summary>How many times it was sent.</summary>
    public int Sends { get; set; } = 1;

    /// <summary>The current retransmission timeout.</summary>
    public TimeSpan Rto { get; set; }

    /// <summary>When to retransmit or give up.</summary>
    public DateTimeOffset Due { get; set; }
}
