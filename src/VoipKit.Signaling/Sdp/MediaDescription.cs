namespace VoipKit.Signaling.Sdp;

/// <summary>
/// One media description: an <c>m=</c> line and the <c>i=</c>, <c>c=</c>, <c>b=</c>, <c>k=</c> and <c>a=</c> lines after it
/// (RFC 8866 section 5.14). Attributes VoipKit understands are typed properties; any other attribute is kept verbatim,
/// in order, in <see cref="Attributes"/>.
/// </summary>
public sealed class MediaDescription : ISdpSecurityAttributes
{
    /// <summary>The media type: <c>audio</c>, <c>video</c>, <c>application</c>...</summary>
    public string Media { get; set; } = "audio";

    /// <summary>The transport port, 0–65535; 0 marks a rejected or disabled stream (RFC 3264 section 6).</summary>
    public int Port { get; set; }

    /// <summary>The number of ports from the <c>port/number</c> form, or null when absent.</summary>
    public int? PortCount { get; set; }

    /// <summary>The transport protocol: <c>RTP/AVP</c>, <c>RTP/SAVP</c>, <c>RTP/SAVPF</c>, <c>UDP/TLS/RTP/SAVP</c>, <c>UDP/TLS/RTP/SAVPF</c>...</summary>
    public string Protocol { get; set; } = SdpProtocols.RtpAvp;

    /// <summary>The formats: RTP payload types in canonical decimal for RTP protocols, tokens otherwise.</summary>
    public List<string> Formats { get; } = [];

    /// <summary>The <c>i=</c> media title, or null.</summary>
    public string? Information { get; set; }

    /// <summary>The media-level <c>c=</c> line, or null when the session-level one applies.</summary>
    public ConnectionData? Connection { get; set; }

    /// <summary>The <c>b=</c> lines.</summary>
    public List<Bandwidth> Bandwidths { get; } = [];

    /// <summary>The obsolete <c>k=</c> line verbatim, or null.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The <c>a=rtpmap</c> attributes.</summary>
    public List<RtpMap> RtpMaps { get; } = [];

    /// <summary>The <c>a=fmtp</c> attributes.</summary>
    public List<Fmtp> Fmtps { get; } = [];

    /// <summary><c>a=ptime</c> in milliseconds, or null.</summary>
    public int? Ptime { get; set; }

    /// <summary><c>a=maxptime</c> in milliseconds, or null.</summary>
    public int? MaxPtime { get; set; }

    /// <summary>The media-level direction attribute, or null when absent (then the session level's, else sendrecv, applies).</summary>
    public MediaDirection? Direction { get; set; }

    /// <summary><c>a=rtcp</c> (RFC 3605), or null.</summary>
    public RtcpInfo? Rtcp { get; set; }

    /// <summary><c>a=rtcp-mux</c> (RFC 5761, RFC 8035): RTP and RTCP share the port.</summary>
    public bool RtcpMux { get; set; }

    /// <summary>Media-level <c>a=ice-ufrag</c>, or null.</summary>
    public string? IceUfrag { get; set; }

    /// <summary>Media-level <c>a=ice-pwd</c>, or null.</summary>
    public string? IcePwd { get; set; }

    /// <summary>Media-level <c>a=ice-options</c> tokens (<c>trickle</c>, <c>ice2</c>); empty when absent.</summary>
    public List<string> IceOptions { get; } = [];

    /// <summary>Media-level <c>a=fingerprint</c> attributes.</summary>
    public List<Fingerprint> Fingerprints { get; } = [];

    /// <summary>Media-level <c>a=setup</c>, or null.</summary>
    public DtlsSetupRole? Setup { get; set; }

    /// <summary>The SDES <c>a=crypto</c> attributes, in order of preference.</summary>
    public List<SdesCrypto> Crypto { get; } = [];

    /// <summary>Media-level <c>a=x-voipkit-e2e</c> version (see <see cref="SessionDescription.EndToEndVersion"/>), or null.</summary>
    public int? EndToEndVersion { get; set; }

    /// <summary>The <c>a=candidate</c> attributes.</summary>
    public List<IceCandidate> Candidates { get; } = [];

    /// <summary><c>a=remote-candidates</c> (RFC 8839 section 5.2), or null when absent.</summary>
    public List<RemoteCandidate>? RemoteCandidates { get; set; }

    /// <summary><c>a=end-of-candidates</c> (RFC 8840): no more candidates will be trickled.</summary>
    public bool EndOfCandidates { get; set; }

    /// <summary>Other attributes, verbatim and in order.</summary>
    public List<SdpAttributeLine> Attributes { get; } = [];

    /// <summary>Whether <see cref="Protocol"/> is an RTP profile (its formats are payload types).</summary>
    public bool IsRtp => Protocol.Contains("RTP/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The rtpmap of a payload type, or null.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <returns>The rtpmap.</returns>
    public RtpMap? FindRtpMap(int payloadType) => RtpMaps.Find(r => r.PayloadType == payloadType);

    /// <summary>The fmtp of a payload type, or null.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <returns>The fmtp.</returns>
    public Fmtp? FindFmtp(int payloadType) => Fmtps.Find(f => f.PayloadType == payloadType);
}
