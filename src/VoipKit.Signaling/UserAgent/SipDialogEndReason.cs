namespace VoipKit.Signaling.UserAgent;

/// <summary>Why a dialog ended.</summary>
public enum SipDialogEndReason
{
    /// <summary>This side sent BYE.</summary>
    LocalHangup,

    /// <summary>The peer sent BYE.</summary>
    RemoteHangup,

    /// <summary>The answerer never received the ACK for its 2xx (RFC 3261 13.3.1.4); it sent BYE.</summary>
    AckTimeout,

    /// <summary>The RFC 4028 session interval passed without a refresh; this side sent BYE.</summary>
    SessionExpired,

    /// <summary>An in-dialog request was answered 481 or 408, or timed out: the peer no longer knows the dialog (RFC 5057).</summary>
    DialogLost,

    /// <summary>The user agent was disposed.</summary>
    Shutdown,
}
