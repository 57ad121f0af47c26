namespace VoipKit.Media.Simulation;

/// <summary>The outcome of one packet on a <see cref="SimulatedLink"/>.</summary>
/// <param name="Fate">Delivered or why not.</param>
/// <param name="Arrival">When it arrives (meaningful when delivered), on the same clock as the send time.</param>
/// <param name="DuplicateArrival">When its duplicate arrives, if it is duplicated.</param>
/// <param name="Reordered">Whether it was held back so later packets overtake it.</param>
public readonly record struct LinkVerdict(LinkFate Fate, TimeSpan Arrival, TimeSpan? DuplicateArrival, bool Reordered);
