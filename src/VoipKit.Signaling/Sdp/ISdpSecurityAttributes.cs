namespace VoipKit.Signaling.Sdp;

/// <summary>
/// The ICE, DTLS and end-to-end attributes that may stand at session level or media level
/// (RFC 8839, RFC 8842): one parser fills either place.
/// </summary>
internal interface ISdpSecurityAttributes
{
    string? IceUfrag { get; set; }

    string? IcePwd { get; set; }

    List<string> IceOptions { get; }

    List<Fingerprint> Fingerprints { get; }

    DtlsSetupRole? Setup { get; set; }

    int? EndToEndVersion { get; set; }
}
