namespace VoipKit.Media.Jitter;

/// <summary>What <see cref="JitterBuffer.Insert"/> did with a packet.</summary>
public enum JitterBufferInsertResult
{
    /// <summary>Stored for playout.</summary>
    Accepted,

    /// <summary>A copy of a packet already stored or played: dropped.</summary>
    Duplicate,

    /// <summary>Arrived after its playout time: dropped.</summary>
    Late,

    /// <summary>Too far ahead of playout to store (a flood, or a sequence jump not yet confirmed): dropped.</summary>
    TooFarAhead,

    /// <summary>Empty, oversized or not a well-formed Opus packet: dropped.</summary>
    Malformed,

    /// <summary>A new SSRC or a confirmed sequence jump: the buffer restarted with this packet.</summary>
    Resynchronized,
}
