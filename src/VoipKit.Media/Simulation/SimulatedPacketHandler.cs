namespace VoipKit.Media.Simulation;

/// <summary>Receives a packet that a <see cref="SimulatedPath"/> delivers.</summary>
/// <param name="packet">The packet's bytes, valid only during the call.</param>
public delegate void SimulatedPacketHandler(ReadOnlySpan<byte> packet);
