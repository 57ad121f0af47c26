namespace VoipKit.Media.Rtcp;

/// <summary>RTCP packet types (the PT field).</summary>
public enum RtcpPacketType : byte
{
    /// <summary>Sender report, SR (RFC 3550 6.4.1).</summary>
    SenderReport = 200,

    /// <summary>Receiver report, RR (RFC 3550 6.4.2).</summary>
    ReceiverReport = 201,

    /// <summary>Source description, SDES (RFC 3550 6.5).</summary>
    SourceDescription = 202,

    /// <summary>Goodbye, BYE (RFC 3550 6.6).</summary>
    Goodbye = 203,

    /// <summary>Application-defined, APP (RFC 3550 6.7).</summary>
    ApplicationDefined = 204,

    /// <summary>Transport-layer feedback, RTPFB (RFC 4585): generic NACK, transport-wide congestion control.</summary>
    TransportFeedback = 205,

    /// <summary>Payload-specific feedback, PSFB (RFC 4585).</summary>
    PayloadFeedback = 206,

    /// <summary>Extended reports, XR (RFC 3611).</summary>
    ExtendedReport = 207,
}
