namespace VoipKit.Media.Simulation;

/// <summary>What a <see cref="SimulatedLink"/> did with a packet.</summary>
public enum LinkFate
{
    /// <summary>The packet arrives (possibly late, reordered or twice).</summary>
    Delivered,

    /// <summary>The packet was lost on the path (the loss model or the trace).</summary>
    Lost,

    /// <summary>The bottleneck queue was full: dropped at the tail.</summary>
    QueueDrop,
}
