namespace VoipKit.Signaling.Transactions;

/// <summary>How a transaction ended, as reported to the TU.</summary>
internal enum SipTransactionOutcome
{
    /// <summary>A final response was received (client) or sent and, for a non-2xx INVITE response, acknowledged (server).</summary>
    Response,

    /// <summary>Timer B or F fired (client: no final response), or timer H fired (server: no ACK for a non-2xx final).</summary>
    TimedOut,

    /// <summary>The transport failed to send a message of the transaction.</summary>
    TransportError,

    /// <summary>The request was never sent: the CANCEL of an INVITE that already had a final response, or the layer was disposed.</summary>
    NotSent,
}
