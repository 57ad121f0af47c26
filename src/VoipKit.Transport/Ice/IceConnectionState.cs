namespace VoipKit.Transport.Ice;

/// <summary>The agent's overall state.</summary>
internal enum IceConnectionState
{
    /// <summary>Created; no checks yet.</summary>
    New,

    /// <summary>Checks run (also during an ICE restart, while media keeps using the old pair).</summary>
    Checking,

    /// <summary>A nominated pair is selected and carries data; checks may still run.</summary>
    Connected,

    /// <summary>A pair is selected and no more checks run.</summary>
    Completed,

    /// <summary>Consent was not refreshed for a while; data still goes out until it expires.</summary>
    Disconnected,

    /// <summary>Every pair failed, or consent expired (RFC 7675): no more data is sent.</summary>
    Failed,

    /// <summary>Disposed.</summary>
    Closed,
}
