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

    /// <summary>Whether in-band FEC may be turned on (false when the peer's decoder said it cannot use it). Default true.</summary>
    public bool AllowInbandFec { get; init; } = true;

    /// <summary>The frame duration to use while bandwidth allows (20 ms unless the peer asked for another ptime). Default 20.</summary>
    public int PreferredFrameMilliseconds { get; init; } = 20;

    /// <summary>Bytes each packet carries besides the codec payload (IPv4 20 + UDP 8 + RTP 12 + SRTP tag 10). Default 50.</summary>
    public int OverheadBytesPerPacket { get; init; } = 50;
}
