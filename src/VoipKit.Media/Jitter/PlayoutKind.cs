namespace VoipKit.Media.Jitter;

/// <summary>How a frame from <see cref="JitterBuffer.Pull"/> was made (NetEq's operations).</summary>
public enum PlayoutKind
{
    /// <summary>Nothing to play yet (before the first packets fill the buffer): silence.</summary>
    Idle,

    /// <summary>Decoded from received packets.</summary>
    Normal,

    /// <summary>Decoded, with a little audio removed to bring the delay down.</summary>
    Accelerated,

    /// <summary>Decoded, with a little audio inserted to let the buffer fill.</summary>
    Decelerated,

    /// <summary>Includes a frame rebuilt from the next packet's in-band FEC.</summary>
    FecRecovered,

    /// <summary>Includes concealment of missing audio (Opus PLC, or silence after a long gap).</summary>
    Concealed,

    /// <summary>The sender is in discontinuous transmission (silence): comfort noise.</summary>
    ComfortNoise,

    /// <summary>The sender sent no audio for this time (it was sending telephone-events): silence, not concealment.</summary>
    Silence,
}
