namespace VoipKit.Media.Simulation;

/// <summary>Counters of a <see cref="SimulatedLink"/>.</summary>
/// <param name="Sent">Packets offered to the link.</param>
/// <param name="Delivered">Packets that arrive (duplicates not counted).</param>
/// <param name="Lost">Packets lost on the path.</param>
/// <param name="QueueDrops">Packets dropped by the full bottleneck queue.</param>
/// <param name="Duplicated">Packets that arrive twice.</param>
/// <param name="Reordered">Packets held back and overtaken.</param>
public readonly record struct LinkStatistics(long Sent, long Delivered, long Lost, long QueueDrops, long Duplicated, long Reordered);
