namespace VoipKit.Signaling.UserAgent;

/// <summary>How a dialog ended.</summary>
/// <param name="Reason">Why.</param>
/// <param name="StatusCode">The status code involved, when there was one (for example the 481 that ended it).</param>
public sealed record SipDialogEnd(SipDialogEndReason Reason, int? StatusCode = null);
