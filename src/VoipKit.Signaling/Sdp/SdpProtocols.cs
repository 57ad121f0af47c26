namespace VoipKit.Signaling.Sdp;

/// <summary>The RTP transport protocols of <c>m=</c> lines that VoipKit negotiates.</summary>
public static class SdpProtocols
{
    /// <summary>Plain RTP (RFC 3551).</summary>
    public const string RtpAvp = "RTP/AVP";

    /// <summary>Plain RTP with RTCP feedback (RFC 4585).</summary>
    public const string RtpAvpf = "RTP/AVPF";

    /// <summary>SRTP (RFC 3711), keyed by SDES or by VoipKit's end-to-end keys.</summary>
    public const string RtpSavp = "RTP/SAVP";

    /// <summary>SRTP with RTCP feedback (RFC 5124).</summary>
    public const string RtpSavpf = "RTP/SAVPF";

    /// <summary>DTLS-SRTP (RFC 5764).</summary>
    public const string UdpTlsRtpSavp = "UDP/TLS/RTP/SAVP";

    /// <summary>DTLS-SRTP with RTCP feedback (WebRTC, RFC 8827).</summary>
    public const string UdpTlsRtpSavpf = "UDP/TLS/RTP/SAVPF";

    /// <summary>Whether the protocol carries SRTP (SAVP or SAVPF).</summary>
    /// <param name="protocol">The m-line protocol.</param>
    /// <returns>True for a secure profile.</returns>
    public static bool IsSecure(string protocol) => protocol.EndsWith("/SAVP", StringComparison.OrdinalIgnoreCase) || protocol.EndsWith("/SAVPF", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the protocol is one of the DTLS-SRTP profiles.</summary>
    /// <param name="protocol">The m-line protocol.</param>
    /// <returns>True for UDP/TLS/RTP/SAVP(F).</returns>
    public static bool IsDtls(string protocol) => protocol.StartsWith("UDP/TLS/", StringComparison.OrdinalIgnoreCase);
}
