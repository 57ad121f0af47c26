namespace VoipKit;

/// <summary>Who placed a call.</summary>
public enum CallDirection
{
    /// <summary>This client placed the call.</summary>
    Outgoing = 0,

    /// <summary>The peer placed the call.</summary>
    Incoming = 1,
}
