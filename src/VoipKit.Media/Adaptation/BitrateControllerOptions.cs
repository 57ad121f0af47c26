namespace VoipKit.Media.Adaptation;

/// <summary>Bounds and start point of a <see cref="BitrateController"/>.</summary>
public sealed class BitrateControllerOptions
{
    /// <summary>The lowest target, bits per second. Default 6,000 (Opus' floor).</summary>
    public int MinBitrate { get; init; } = 6_000;

    /// <summary>The highest target, bits per second. Default 64,000.</summary>
    public int MaxBitrate { get; init; } = 64_000;

    /// <summary>Where to start, bits per second. Default 32,000.</summary>
    public int StartBitrate { get; init; } = 32_000;

    /// <summary>Bytes each packet carries besides the codec payload (IPv4 20 + UDP 8 + RTP 12 + SRTP tag 10). Default 50.</summary>
    public int OverheadBytesPerPacket { get; init; } = 50;
}
