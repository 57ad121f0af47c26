namespace VoipKit.Media.Rtcp;

/// <summary>What transport-wide feedback says about one packet.</summary>
/// <param name="SequenceNumber">The transport-wide sequence number.</param>
/// <param name="Status">Whether it arrived, and the size of its delta.</param>
/// <param name="Delta">
/// Arrival time minus the previous received packet's (the first one's: minus the reference time), in
/// 250 µs units; 0 to 255 for <see cref="TwccStatus.ReceivedSmallDelta"/>, -32768 to 32767 for
/// <see cref="TwccStatus.ReceivedLargeDelta"/>, 0 when not received.
/// </param>
public readonly record struct TwccPacketReport(ushort SequenceNumber, TwccStatus Status, short Delta)
{
    /// <summary>The length of one delta unit.</summary>
    public static readonly TimeSpan DeltaUnit = TimeSpan.FromTicks(2500);

    /// <summary>Whether the packet arrived.</summary>
    public bool Received => Status != TwccStatus.NotReceived;

    /// <summary>The delta as a time span.</summary>
    public TimeSpan DeltaTime => DeltaUnit * Delta;
}
