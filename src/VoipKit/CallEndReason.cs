namespace VoipKit;

/// <summary>Why a call ended, or why it could not be set up.</summary>
public enum CallEndReason
{
    /// <summary>This side hung up (or cancelled its own call before the answer).</summary>
    LocalHangUp = 0,

    /// <summary>The peer hung up.</summary>
    RemoteHangUp = 1,

    /// <summary>The callee declined (603 Decline, 403) or this side declined an incoming call.</summary>
    Declined = 2,

    /// <summary>The callee was busy (486, 600).</summary>
    Busy = 3,

    /// <summary>Nobody answered in time (408 from the callee, or the incoming-call timeout here).</summary>
    NoAnswer = 4,

    /// <summary>The caller gave up before the call was answered (CANCEL, 487).</summary>
    Cancelled = 5,

    /// <summary>The callee does not exist or is offline: not registered anywhere (404, 410, 480, 484, 604).</summary>
    Unreachable = 6,

    /// <summary>The server refused our credentials (401/403/407 after authenticating).</summary>
    AuthenticationFailed = 7,

    /// <summary>
    /// The call's security could not be established as the policy requires: the peer cannot do end-to-end encryption,
    /// its identity key changed and the app refused it, or its keys did not check out.
    /// </summary>
    SecurityRefused = 8,

    /// <summary>The two sides have no codec or media setup in common (488 for a reason other than security).</summary>
    Incompatible = 9,

    /// <summary>No media path could be found, or the path died and could not be restored.</summary>
    NetworkLost = 10,

    /// <summary>The client was stopped or disposed while the call was up.</summary>
    ClientStopped = 11,

    /// <summary>Anything else: a server error, a timeout of the signaling, a protocol error.</summary>
    Failed = 12,
}
