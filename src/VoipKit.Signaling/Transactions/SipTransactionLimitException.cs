namespace VoipKit.Signaling.Transactions;

/// <summary>The transaction layer already holds <see cref="SipTransactionOptions.MaxTransactions"/> live transactions.</summary>
internal sealed class SipTransactionLimitException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SipTransactionLimitException()
        : base("Too many concurrent SIP transactions.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SipTransactionLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SipTransactionLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
