using VoipKit.Signaling.UserAgent;

namespace VoipKit;

/// <summary>Maps what SIP says about a call into the facade's reasons.</summary>
internal static class CallFailures
{
    public static CallEnd FromStatus(int status, string? phrase)
    {
        CallEndReason reason = status switch
        {
            486 or 600 => CallEndReason.Busy,
            603 or 403 => CallEndReason.Declined,
            408 => CallEndReason.NoAnswer,
            487 => CallEndReason.Cancelled,
            404 or 410 or 480 or 484 or 604 => CallEndReason.Unreachable,
            401 or 407 => CallEndReason.AuthenticationFailed,
            488 or 606 => CallEndReason.Incompatible,
            _ => CallEndReason.Failed,
        };
        return new CallEnd(reason, status, string.IsNullOrEmpty(phrase) ? null : phrase);
    }

    public static CallEnd FromDialog(SipDialogEnd end) => end.Reason switch
    {
        SipDialogEndReason.RemoteHangup => new CallEnd(CallEndReason.RemoteHangUp, null, "the peer hung up"),
        SipDialogEndReason.LocalHangup => new CallEnd(CallEndReason.LocalHangUp),
        SipDialogEndReason.SessionExpired => new CallEnd(CallEndReason.NetworkLost, end.StatusCode, "the session timer expired: the peer stopped refreshing the call"),
        SipDialogEndReason.AckTimeout => new CallEnd(CallEndReason.NetworkLost, end.StatusCode, "the caller never acknowledged the answer"),
        SipDialogEndReason.DialogLost => new CallEnd(CallEndReason.NetworkLost, end.StatusCode, "the peer no longer knows the call"),
        _ => new CallEnd(CallEndReason.ClientStopped, end.StatusCode, "the client was stopped"),
    };
}
