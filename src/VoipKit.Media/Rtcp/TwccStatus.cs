namespace VoipKit.Media.Rtcp;

/// <summary>Packet status symbols of transport-wide congestion control feedback.</summary>
public enum TwccStatus : byte
{
    /// <summary>The packet was not received.</summary>
    NotReceived = 0,

    /// <summary>Received, with a one-byte delta (0 to 63.75 ms).</summary>
    ReceivedSmallDelta = 1,

    /// <summary>Received, with a two-byte signed delta (negative or above 63.75 ms).</summary>
    ReceivedLargeDelta = 2,
}
