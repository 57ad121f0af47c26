using System.Text;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

public class SdpParserTests
{
    [Fact]
    public void Baresip_offer_parses_codecs_and_crypto_lines()
    {
        var sdp = SessionDescription.Parse(SampleSdps.SdesTwoSuitesOffer);
        Assert.Equal(3174207129UL, sdp.Origin.SessionVersion);
        Assert.Equal("127.0.0.1", sdp.Connection!.Address);
        var m = Assert.Single(sdp.Media);
        Assert.Equal(["111", "0", "8", "101"], m.Formats);
        Assert.Equal(SdpProtocols.RtpSavp, m.Protocol);
        var opus = m.FindRtpMap(111)!;
        Assert.True(opus.Is("opus"));
        Assert.Equal(48000u, opus.ClockRate);
        Assert.Equal(2, opus.Channels);
        var opusParams = OpusParameters.FromFmtp(m.FindFmtp(111));
        Assert.True(opusParams.Stereo);
        Assert.True(opusParams.SpropStereo);
        Assert.Null(opusParams.UseInbandFec);
        Assert.Equal("0-15", m.FindFmtp(101)!.Parameters.Single().Name);
        Assert.Equal(10227, m.Rtcp!.Port);
        Assert.Equal(MediaDirection.SendRecv, m.Direction);
        Assert.Equal(20, m.Ptime);
        Assert.Equal(2, m.Crypto.Count);
        var first = m.Crypto[0];
        Assert.Equal(1, first.Tag);
        Assert.Equal(SdesCryptoSuites.AesCm128HmacSha1Tag80, first.Suite);
        Assert.Equal(30, first.Keys[0].KeySalt.Length);
        Assert.Null(first.Keys[0].Lifetime);
        Assert.Null(first.Keys[0].Mki);
        Assert.Equal(SdesCryptoSuites.AesCm128HmacSha1Tag32, m.Crypto[1].Suite);
        Assert.Equal("tool", sdp.Attributes.Single().Name);
        Assert.Equal("label", m.Attributes.Single().Name);
        Assert.Equal(96UL, m.Bandwidths.Single().Value);
    }

    [Fact]
    public void WebRtc_offer_parses_ice_dtls_and_rtcp_mux()
    {
        var sdp = SessionDescription.Parse(Encoding.UTF8.GetBytes(SampleSdps.WebRtcOffer));
        var m = Assert.Single(sdp.Media);
        Assert.Equal(SdpProtocols.UdpTlsRtpSavpf, m.Protocol);
        Assert.True(m.RtcpMux);
        Assert.Equal("EsAw", m.IceUfrag);
        Assert.Equal("bP+XJMM09aR8AiX1jdukzR6Y", m.IcePwd);
        Assert.Equal(["trickle"], m.IceOptions);
        Assert.Equal(DtlsSetupRole.ActPass, m.Setup);
        var fp = Assert.Single(m.Fingerprints);
        Assert.Equal("sha-256", fp.HashFunction);
        Assert.Equal(32, fp.Value.Length);
        Assert.Equal(0xD1, fp.Value[0]);
        Assert.Equal(4, m.Candidates.Count);
        var srflx = m.Candidates[1];
        Assert.Equal(IceCandidateType.ServerReflexive, srflx.Type);
        Assert.Equal("192.168.1.20", srflx.RelatedAddress);
        Assert.Equal(54321, srflx.RelatedPort);
        Assert.Equal(1686052607u, srflx.Priority);
        Assert.Equal(["generation", "network-id"], srflx.Extensions.Select(e => e.Name));
        Assert.Equal("tcp", m.Candidates[2].Transport);
        Assert.Equal("active", m.Candidates[2].Extensions[0].Value);
        Assert.Equal(IceCandidateType.Relayed, m.Candidates[3].Type);
        Assert.Equal("0.0.0.0", m.Rtcp!.Address);
        Assert.Equal(8, m.RtpMaps.Count);
        Assert.Equal("1", OpusParameters.FromFmtp(m.FindFmtp(111)).UseInbandFec == true ? "1" : "0");
        Assert.Equal(10, OpusParameters.FromFmtp(m.FindFmtp(111)).MinPtime);
        Assert.Contains(m.Attributes, a => a.Name == "mid" && a.Value == "0");
        Assert.Contains(sdp.Attributes, a => a.Name == "msid-semantic" && a.Value == " WMS");
    }

    [Fact]
    public void Pbx_offer_with_lf_endings_and_static_payload_types_parses()
    {
        var sdp = SessionDescription.Parse(SampleSdps.PbxPcmuOffer);
        var m = Assert.Single(sdp.Media);
        Assert.Equal(SdpProtocols.RtpAvp, m.Protocol);
        Assert.Equal(["0", "8", "101"], m.Formats);
        Assert.Single(m.RtpMaps);
        Assert.Equal(150, m.MaxPtime);
        Assert.Equal("Asterisk PBX 18.10.0", sdp.SessionName);
        Assert.Equal("root", sdp.Origin.UserName);
    }

    [Theory]
    [InlineData(nameof(SampleSdps.SdesTwoSuitesOffer))]
    [InlineData(nameof(SampleSdps.WebRtcOffer))]
    [InlineData(nameof(SampleSdps.PbxPcmuOffer))]
    public void Samples_survive_serialize_and_reparse(string name)
    {
        var text = (string)typeof(SampleSdps).GetField(name)!.GetValue(null)!;
        var first = SessionDescription.Parse(text);
        var serialized = first.ToString();
        Assert.All(serialized.Split("\r\n")[..^1], l => Assert.Matches("^[a-z]=", l));
        Assert.EndsWith("\r\n", serialized, StringComparison.Ordinal);
        var second = SessionDescription.Parse(serialized);
        SdpAssert.Equivalent(first, second);
        Assert.Equal(serialized, second.ToString());
    }

    [Fact]
    public void Serializer_writes_lines_in_rfc_8866_order()
    {
        var sdp = SessionDescription.Parse(SampleSdps.SdesTwoSuitesOffer);
        sdp.Information = "info";
        sdp.Uri = "https://voipkit.invalid/";
        sdp.Emails.Add("dev@voipkit.invalid");
        sdp.Phones.Add("+1 555 0100");
        sdp.Bandwidths.Add(new Bandwidth { Type = "CT", Value = 128 });
        sdp.TimeZones = "2882844526 -1h";
        var letters = string.Concat(sdp.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l[0]));
        var sessionPart = letters[..letters.IndexOf('m', StringComparison.Ordinal)];
        Assert.Equal("vosiuepcbtza", sessionPart);
        Assert.StartsWith("mbaaaaaaa", letters[sessionPart.Length..], StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc4568_key_with_lifetime_mki_and_session_parameters_parses()
    {
        var sdp = SessionDescription.Parse(SampleSdps.PbxPcmuOffer.Replace("RTP/AVP", "RTP/SAVP", StringComparison.Ordinal) +
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:1;inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:1 KDR=23 WSH=64\n");
        var c = Assert.Single(sdp.Media[0].Crypto);
        Assert.Equal(2, c.Keys.Count);
        Assert.Equal("2^31", c.Keys[0].Lifetime);
        Assert.Equal(1UL << 31, c.Keys[0].LifetimePackets);
        Assert.Equal(1UL, c.Keys[0].Mki);
        Assert.Equal(1, c.Keys[0].MkiLength);
        Assert.Equal(2UL, c.Keys[1].Mki);
        Assert.Equal(["KDR=23", "WSH=64"], c.SessionParameters);
    }

    [Fact]
    public void Trickled_candidate_text_parses_with_or_without_prefix()
    {
        var c = IceCandidate.Parse("a=candidate:1 1 UDP 2130706431 10.0.0.1 8998 typ host");
        Assert.Equal("candidate:1 1 UDP 2130706431 10.0.0.1 8998 typ host", c.ToString());
        Assert.Equal(c, IceCandidate.Parse("1 1 UDP 2130706431 10.0.0.1 8998 typ host") with { Extensions = c.Extensions });
    }

    [Fact]
    public void Crypto_keys_are_not_in_ToString()
    {
        var m = SessionDescription.Parse(SampleSdps.SdesTwoSuitesOffer).Media[0];
        Assert.DoesNotContain("WVNf", m.Crypto[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("WVNf", m.Crypto[0].Keys[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Serializer_refuses_line_injection()
    {
        var sdp = SessionDescription.Parse(SampleSdps.PbxPcmuOffer);
        sdp.SessionName = "x\r\nm=video 1 RTP/AVP 0";
        Assert.Throws<InvalidOperationException>(sdp.ToString);
    }
}
