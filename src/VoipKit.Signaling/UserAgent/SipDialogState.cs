namespace VoipKit.Signaling.UserAgent;

/// <summary>The state of a <see cref="SipDialog"/> (RFC 3261 section 12).</summary>
public enum SipDialogState
{
    /// <summary>The INVITE was answered with 2xx but the answerer has not yet received the ACK.</summary>
    WaitingForAck,

    /// <summary>The dialog is established: in-dialog requests can flow both ways.</summary>
    Confirmed,

    /// <summary>The dialog is over; see <see cref="SipDialog.Termination"/>.</summary>
    Terminated,
}
