namespace VoipKit.Signaling.Transactions;

/// <summary>Timer values (RFC 3261 table 4) and limits of a transaction layer.</summary>
internal sealed record SipTransactionOptions
{
    /// <summary>RTT estimate, 500 ms by default.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmission interval for non-INVITE requests and INVITE responses, 4 s by default.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network, 5 s by default.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a server INVITE transaction waits for the TU before sending 100 Trying itself (RFC 3261 17.2.1).</summary>
    public TimeSpan TryingDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timer D on unreliable transports (at least 32 s).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// How long a client INVITE may stay in Proceeding without a new provisional response before the transaction
    /// cancels it itself (like a proxy's timer C, RFC 3261 16.6); keeps the table bounded when a peer never answers.
    /// </summary>
    public TimeSpan InviteProceedingTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Cap on live transactions; new requests beyond it get 503 and new client requests are refused.</summary>
    public int MaxTransactions { get; init; } = 10_000;

    /// <summary>64*T1: timers B, F, H, J, L, M.</summary>
    internal TimeSpan Timeout64 => T1 * 64;
}
