namespace VoipKit.Media.Adaptation;

/// <summary>The delay detector's view of the path (GCC's over-use detector).</summary>
public enum BandwidthUsage
{
    /// <summary>Delay is steady.</summary>
    Normal,

    /// <summary>Delay is growing: queues are filling, the send rate is above capacity.</summary>
    Overusing,

    /// <summary>Delay is shrinking: queues are draining.</summary>
    Underusing,
}
