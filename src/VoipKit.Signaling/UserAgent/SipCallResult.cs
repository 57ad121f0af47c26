using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>How an outgoing INVITE ended.</summary>
/// <param name="StatusCode">The final status code (a timeout reads as 408, a transport failure as 503, per RFC 3261 8.1.3.1).</param>
/// <param name="ReasonPhrase">The reason phrase.</param>
/// <param name="Response">The final response, or null when none arrived.</param>
/// <param name="Dialog">The established dialog when the call was answered; null otherwise.</param>
public sealed record SipCallResult(int StatusCode, string ReasonPhrase, SipResponse? Response, SipDialog? Dialog)
{
    /// <summary>True when the call was answered (2xx) and <see cref="Dialog"/> is set.</summary>
    public bool Succeeded => Dialog is not null;
}
