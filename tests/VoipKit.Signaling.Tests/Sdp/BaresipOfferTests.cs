using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>
/// Offers captured from baresip 1.0.0. The answers VoipKit builds for them were checked by hand against the running
/// baresip (it acknowledged them, sent SRTP/RTP, started DTLS as server, and closed on the 488).
/// </summary>
public class BaresipOfferTests
{
    private static readonly Fingerprint LocalFingerprint = new() { HashFunction = "sha-256", Value = new byte[32] };

    private static SdpLocalOptions Local(MediaSecurityRequirement requirement) => new()
    {
        Address = "127.0.0.1",
        AudioPort = 40000,
        SessionId = 7,
        SessionVersion = 1,
        Requirement = requirement,
        DtlsFingerprint = LocalFingerprint,
    };

    [Theory]
    [InlineData(nameof(SampleSdps.BaresipSrtpMandatory))]
    [InlineData(nameof(SampleSdps.BaresipSrtpBestEffort))]
    [InlineData(nameof(SampleSdps.BaresipDtls))]
    [InlineData(nameof(SampleSdps.BaresipPlain))]
    public void Captured_offers_parse_and_round_trip(string name)
    {
        var text = (string)typeof(SampleSdps).GetField(name)!.GetValue(null)!;
        var sdp = SessionDescription.Parse(text);
        Assert.Equal("baresip 1.0.0", sdp.Attributes.Single(a => a.Name == "tool").Value);
        var m = Assert.Single(sdp.Media);
        Assert.Equal(20, m.Ptime);
        Assert.Contains(m.Attributes, a => a.Name == "minptime" && a.Value == "20"); // baresip's own, kept verbatim
        Assert.Contains(m.Attributes, a => a.Name == "rtcp-rsize" && a.Value is null);
        SdpAssert.Equivalent(sdp, SessionDescription.Parse(sdp.ToString()));
    }

    [Fact]
    public void Srtp_mandatory_offer_gets_sdes_with_opus_on_payload_type_96()
    {
        var result = SdpNegotiator.Answer(SessionDescription.Parse(SampleSdps.BaresipSrtpMandatory), Local(MediaSecurityRequirement.RequireEncryption));
        Assert.Equal(96, result.Audio!.Codec.PayloadType);
        Assert.True(result.Audio.RemoteOpus!.Stereo);
        Assert.Equal(SdpSecurity.SdesSrtp, result.Audio.Security);
        Assert.Equal(SdesCryptoSuites.AesCm128HmacSha1Tag80, result.Audio.SrtpSuite);
        Assert.Equal(SdpProtocols.RtpSavp, result.Answer!.Media[0].Protocol);
        Assert.Equal(["96"], result.Answer.Media[0].Formats);
    }

    [Fact]
    public void Best_effort_offer_gets_sdes_on_rtp_avp_even_under_require_encryption()
    {
        var result = SdpNegotiator.Answer(SessionDescription.Parse(SampleSdps.BaresipSrtpBestEffort), Local(MediaSecurityRequirement.RequireEncryption));
        Assert.Equal(SdpSecurity.SdesSrtp, result.Audio!.Security);
        Assert.Equal(SdpProtocols.RtpAvp, result.Answer!.Media[0].Protocol);
    }

    [Fact]
    public void Dtls_offer_with_session_level_setup_and_upper_case_hash_gets_dtls_active()
    {
        var offer = SessionDescription.Parse(SampleSdps.BaresipDtls);
        Assert.Equal("sha-256", offer.Fingerprints.Single().HashFunction);
        Assert.Equal(DtlsSetupRole.ActPass, offer.Setup);
        var result = SdpNegotiator.Answer(offer, Local(MediaSecurityRequirement.RequireEncryption));
        Assert.Equal(SdpSecurity.DtlsSrtp, result.Audio!.Security);
        Assert.Equal(DtlsSetupRole.Active, result.Audio.LocalSetup);
        Assert.Equal(0xFF, result.Audio.RemoteFingerprints.Single().Value[0]);
        Assert.Equal(SdpProtocols.UdpTlsRtpSavpf, result.Answer!.Media[0].Protocol);
    }

    [Fact]
    public void Plain_offer_is_refused_under_require_encryption_and_accepted_otherwise()
    {
        var offer = SessionDescription.Parse(SampleSdps.BaresipPlain);
        var refused = SdpNegotiator.Answer(offer, Local(MediaSecurityRequirement.RequireEncryption));
        Assert.Equal(SdpNegotiationFailure.EncryptionRequired, refused.Failure);
        Assert.Equal(488, refused.SipStatusCode);
        var accepted = SdpNegotiator.Answer(offer, Local(MediaSecurityRequirement.AllowPlain));
        Assert.Equal("PCMU", accepted.Audio!.Codec.EncodingName);
        Assert.Equal(101, accepted.Audio.TelephoneEvent!.PayloadType);
    }
}
