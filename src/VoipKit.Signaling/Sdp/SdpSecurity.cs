namespace VoipKit.Signaling.Sdp;

/// <summary>How a negotiated audio stream is protected, weakest first (the order negotiation ranks them in).</summary>
public enum SdpSecurity
{
    /// <summary>Plain RTP.</summary>
    None = 0,

    /// <summary>SRTP keyed by SDES <c>a=crypto</c> lines (RFC 4568): the keys cross every signaling hop.</summary>
    SdesSrtp = 1,

    /// <summary>SRTP keyed by a DTLS handshake on the media path (RFC 5764, RFC 8842), authenticated by the SDP fingerprints.</summary>
    DtlsSrtp = 2,

    /// <summary>SRTP keyed from the call's end-to-end (Signal protocol) session, announced by <c>a=x-voipkit-e2e:1</c>.</summary>
    EndToEnd = 3,
}
