using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Transactions;

/// <summary>The result of a transaction: the final response, or why there is none.</summary>
/// <param name="Outcome">How the transaction ended.</param>
/// <param name="Response">The final response when <paramref name="Outcome"/> is <see cref="SipTransactionOutcome.Response"/>.</param>
/// <param name="Error">The transport exception for <see cref="SipTransactionOutcome.TransportError"/>.</param>
internal sealed record SipTransactionResult(SipTransactionOutcome Outcome, SipResponse? Response = null, Exception? Error = null)
{
    /// <summary>A timeout result.</summary>
    public static SipTransactionResult TimedOut { get; } = new(SipTransactionOutcome.TimedOut);

    /// <summary>A not-sent result.</summary>
    public static SipTransactionResult NotSent { get; } = new(SipTransactionOutcome.NotSent);
}
