namespace VoipKit.Media.Rtcp;

/// <summary>Feedback message types (FMT) of transport-layer feedback packets (PT 205).</summary>
public enum RtcpFeedbackFormat : byte
{
    /// <summary>Generic NACK (RFC 4585 6.2.1).</summary>
    GenericNack = 1,

    /// <summary>Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).</summary>
    TransportWideCongestionControl = 15,
}
