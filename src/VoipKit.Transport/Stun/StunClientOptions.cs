namespace VoipKit.Transport.Stun;

/// <summary>Retransmission parameters of a STUN client transaction over UDP (RFC 8489 section 6.2.1).</summary>
internal sealed record StunClientOptions
{
    /// <summary>The initial retransmission timeout, doubled after each send (RTO, default 500 ms).</summary>
    public TimeSpan InitialRto { get; init; } = StunConstants.DefaultRto;

    /// <summary>How many times the request is sent in all (Rc, default 7).</summary>
    public int MaxSends { get; init; } = 7;

    /// <summary>After the last send, wait this many RTOs for a response (Rm, default 16).</summary>
    public int LastWaitMultiplier { get; init; } = 16;

    /// <summary>Whether the client reads the transport itself; false when the socket's owner demultiplexes and calls <see cref="StunClient.TryHandleResponse"/>.</summary>
    public bool RunReceiveLoop { get; init; } = true;

    /// <summary>The total time until a transaction times out: 39.5 s with the defaults.</summary>
    public TimeSpan TransactionTimeout
    {
        get
        {
            TimeSpan total = TimeSpan.Zero;
            TimeSpan rto = InitialRto;
            for (int i = 1; i < MaxSends; i++)
            {
                total += rto;
                rto *= 2;
            }

            return total + (InitialRto * LastWaitMultiplier);
        }
    }
}
