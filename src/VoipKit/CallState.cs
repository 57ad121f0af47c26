namespace VoipKit;

/// <summary>The states of a call, from first signal to the end.</summary>
public enum CallState
{
    /// <summary>An outgoing call is being set up; the callee has not answered yet.</summary>
    Calling,

    /// <summary>The remote device is ringing (outgoing) or the local app is being asked to answer (incoming).</summary>
    Ringing,

    /// <summary>The call was answered; media paths are being checked and keys confirmed.</summary>
    Connecting,

    /// <summary>Media flows both ways.</summary>
    Active,

    /// <summary>The call ended (hung up, declined, cancelled or failed).</summary>
    Ended,
}
