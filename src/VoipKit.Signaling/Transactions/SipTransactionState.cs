namespace VoipKit.Signaling.Transactions;

/// <summary>Transaction states of RFC 3261 17 with the Accepted state of RFC 6026.</summary>
internal enum SipTransactionState
{
    /// <summary>Client INVITE: request sent, nothing received.</summary>
    Calling,

    /// <summary>Client non-INVITE: request sent, nothing received; server non-INVITE: request passed to the TU.</summary>
    Trying,

    /// <summary>A provisional response was received (client) or the TU is working on the request (server).</summary>
    Proceeding,

    /// <summary>A final response (non-2xx for INVITE) was received or sent; absorbing retransmissions.</summary>
    Completed,

    /// <summary>Server INVITE: the ACK for a non-2xx final response arrived (timer I).</summary>
    Confirmed,

    /// <summary>RFC 6026: a 2xx to an INVITE was received or sent (timers M and L).</summary>
    Accepted,

    /// <summary>Finished and removed from the layer.</summary>
    Terminated,
}
