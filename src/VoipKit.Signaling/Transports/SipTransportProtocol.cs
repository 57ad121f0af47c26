namespace VoipKit.Signaling.Transports;

/// <summary>The transport protocol a SIP transport carries messages over (RFC 3261 18).</summary>
public enum SipTransportProtocol
{
    /// <summary>UDP: one message per datagram, unreliable.</summary>
    Udp,

    /// <summary>TCP: a reliable byte stream framed by Content-Length.</summary>
    Tcp,

    /// <summary>TLS over TCP: the same framing as TCP inside an encrypted stream.</summary>
    Tls,
}
