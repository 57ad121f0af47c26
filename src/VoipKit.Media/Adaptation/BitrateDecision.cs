namespace VoipKit.Media.Adaptation;

/// <summary>What the encoder should do now, as decided by <see cref="BitrateController"/>.</summary>
/// <param name="Bitrate">Target codec bitrate in bits per second.</param>
/// <param name="UseInbandFec">Whether to embed FEC for the previous frame.</param>
/// <param name="PacketLossPercent">The loss hint for the encoder, 0–100.</param>
/// <param name="FrameMilliseconds">Frame duration: 20 normally, 40 or 60 when bandwidth is very low (fewer headers per second).</param>
public readonly record struct BitrateDecision(int Bitrate, bool UseInbandFec, int PacketLossPercent, int FrameMilliseconds);
