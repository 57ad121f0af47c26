namespace VoipKit.Transport.Ice;

/// <summary>A candidate pair's check state (RFC 8445 section 6.1.2.6).</summary>
internal enum IceCandidatePairState
{
    /// <summary>Not checked yet and waiting for its foundation to unfreeze.</summary>
    Frozen,

    /// <summary>Ready to be checked when its turn comes.</summary>
    Waiting,

    /// <summary>A check was sent and its transaction runs.</summary>
    InProgress,

    /// <summary>The check got a success response passing the symmetric address check.</summary>
    Succeeded,

    /// <summary>The check failed: timeout, an unrecoverable error response, or an asymmetric response.</summary>
    Failed,
}
