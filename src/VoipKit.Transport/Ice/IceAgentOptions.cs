using System.Net;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Timers and limits of an <see cref="IceAgent"/>; the defaults follow RFC 8445 and RFC 7675.</summary>
internal sealed record IceAgentOptions
{
    /// <summary>Ta: one new check (ordinary or triggered) per interval (RFC 8445 section 14.2, default 50 ms).</summary>
    public TimeSpan Ta { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A check's first retransmission timeout (RFC 8445 section 14.3: at least 500 ms), doubled after each send.</summary>
    public TimeSpan CheckRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The retransmission timeout stops doubling here, so a dead pair fails in seconds rather than 39.5 s.</summary>
    public TimeSpan CheckMaxRto { get; init; } = TimeSpan.FromMilliseconds(1600);

    /// <summary>Sends per check before the pair fails (Rc, default 7).</summary>
    public int CheckMaxSends { get; init; } = 7;

    /// <summary>The most pairs in the check list (RFC 8445 section 6.1.2.5 suggests 100).</summary>
    public int MaxPairs { get; init; } = 100;

    /// <summary>
    /// The most remote candidates, signalled and learnt from checks (peer-reflexive) together. Beyond it a check from a new
    /// address is answered but teaches nothing (counted in <see cref="IceAgent.DroppedPeerReflexiveCandidates"/>) and
    /// <see cref="IceAgent.AddRemoteCandidate"/> returns <see cref="IceRemoteCandidateResult.LimitReached"/>.
    /// </summary>
    public int MaxRemoteCandidates { get; init; } = 100;

    /// <summary>
    /// Controlling agent: how long after the first valid pair it waits for better pairs before nominating the best valid one.
    /// It nominates at once when no higher-priority pair can still succeed.
    /// </summary>
    public TimeSpan NominationTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The mean interval of consent checks on the selected pair (RFC 7675: 5 s, each randomized ×0.8–1.2).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Without a consent response for this long the agent is Disconnected (data still flows).</summary>
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Without a consent response for this long consent is lost (RFC 7675: 30 s): Failed, no more data is sent.</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>STUN servers to learn server-reflexive candidates from.</summary>
    public IReadOnlyList<IPEndPoint> StunServers { get; init; } = [];

    /// <summary>How long gathering waits for a STUN server.</summary>
    public TimeSpan GatherTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Retransmissions of the Binding requests to STUN servers while gathering.</summary>
    public StunClientOptions GatherStunOptions { get; init; } = new() { RunReceiveLoop = false };

    /// <summary>Where relayed candidates come from (a TURN client), or null for none.</summary>
    public IRelayedCandidateSource? RelayedCandidates { get; init; }

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Ta, TimeSpan.Zero, nameof(Ta));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CheckRto, TimeSpan.Zero, nameof(CheckRto));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckMaxRto, CheckRto, nameof(CheckMaxRto));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckMaxSends, 1, nameof(CheckMaxSends));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPairs, 1, nameof(MaxPairs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRemoteCandidates, 1, nameof(MaxRemoteCandidates));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConsentInterval, TimeSpan.Zero, nameof(ConsentInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConsentTimeout, DisconnectedTimeout, nameof(ConsentTimeout));
    }
}
