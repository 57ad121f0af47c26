using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

public class SdpNegotiationTests
{
    private static readonly Fingerprint LocalFingerprint = new() { HashFunction = "sha-256", Value = [.. Enumerable.Range(1, 32).Select(i => (byte)i)] };

    private static SdpLocalOptions Local(MediaSecurityRequirement requirement = MediaSecurityRequirement.RequireEncryption) => new()
    {
        Address = "192.0.2.50",
        AudioPort = 40000,
        SessionId = 42,
        SessionVersion = 1,
        Requirement = requirement,
    };

    private static string Offer(string formats, string attributes, string protocol = "RTP/AVP", string connection = "192.0.2.10") =>
        $"v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 {connection}\r\nt=0 0\r\nm=audio 5004 {protocol} {formats}\r\n{attributes}";

    private static SdpNegotiationResult AnswerText(string offer, SdpLocalOptions local)
    {
        var result = SdpNegotiator.Answer(SessionDescription.Parse(offer), local);
        if (result.Answer is { } answer)
        {
            // Every answer VoipKit produces must itself parse and survive a round trip.
            SdpAssert.Equivalent(answer, SessionDescription.Parse(answer.ToString()));
        }

        return result;
    }

    [Fact]
    public void Baresip_offer_is_answered_with_opus_and_sdes()
    {
        var result = AnswerText(SampleSdps.SdesTwoSuitesOffer, Local());
        Assert.True(result.IsAccepted);
        Assert.Equal(200, result.SipStatusCode);
        var audio = result.Audio!;
        Assert.Equal(111, audio.Codec.PayloadType);
        Assert.True(audio.RemoteOpus!.Stereo);
        Assert.Equal(SdpSecurity.SdesSrtp, audio.Security);
        Assert.Equal(SdesCryptoSuites.AesCm128HmacSha1Tag80, audio.SrtpSuite);
        Assert.Equal(1, audio.RemoteCrypto!.Tag);
        Assert.Null(audio.TelephoneEvent); // baresip offers telephone-event/8000 only, Opus runs at 48000
        Assert.Equal("127.0.0.1", audio.RemoteAddress);
        Assert.Equal(10226, audio.RemotePort);
        Assert.Equal(10227, audio.RemoteRtcpPort);
        Assert.False(audio.RtcpMux);

        var m = Assert.Single(result.Answer!.Media);
        Assert.Equal(40000, m.Port);
        Assert.Equal(SdpProtocols.RtpSavp, m.Protocol);
        Assert.Equal(["111"], m.Formats);
        Assert.Equal("opus/48000/2", m.RtpMaps[0].ToString()[4..]);
        Assert.True(OpusParameters.FromFmtp(m.FindFmtp(111)).UseInbandFec);
        var crypto = Assert.Single(m.Crypto);
        Assert.Equal(1, crypto.Tag);
        Assert.Equal(SdesCryptoSuites.AesCm128HmacSha1Tag80, crypto.Suite);
        Assert.Equal(30, crypto.Keys[0].KeySalt.Length);
        Assert.NotEqual(audio.RemoteCrypto.Keys[0].KeySalt, crypto.Keys[0].KeySalt);
        Assert.Same(crypto, audio.LocalCrypto);
        Assert.Equal(MediaDirection.SendRecv, m.Direction);
    }

    [Fact]
    public void Opus_wins_even_when_the_offer_lists_it_last()
    {
        var result = AnswerText(Offer("0 8 111", "a=rtpmap:111 opus/48000/2\r\n"), Local(MediaSecurityRequirement.AllowPlain));
        Assert.True(result.Audio!.Codec.Is("opus"));
    }

    [Fact]
    public void Offerer_order_decides_among_the_other_common_codecs()
    {
        var result = AnswerText(Offer("18 8 0", string.Empty), Local(MediaSecurityRequirement.AllowPlain));
        Assert.Equal("PCMA", result.Audio!.Codec.EncodingName);
        Assert.Equal(["8"], result.Answer!.Media[0].Formats);
        Assert.Equal("PCMA", result.Answer.Media[0].FindRtpMap(8)!.EncodingName); // rtpmap written even for a static type
    }

    [Fact]
    public void Telephone_event_at_the_codec_clock_rate_is_kept_with_the_offer_payload_types()
    {
        var result = AnswerText(SampleSdps.WebRtcOffer, Local() with { DtlsFingerprint = LocalFingerprint });
        Assert.Equal(110, result.Audio!.TelephoneEvent!.PayloadType);
        Assert.Equal(48000u, result.Audio.TelephoneEvent.ClockRate);
        Assert.Equal(["111", "110"], result.Answer!.Media[0].Formats);
        Assert.Equal("0-15", result.Answer.Media[0].FindFmtp(110)!.Parameters[0].Name);

        var pbx = AnswerText(SampleSdps.PbxPcmuOffer, Local(MediaSecurityRequirement.AllowPlain));
        Assert.Equal(101, pbx.Audio!.TelephoneEvent!.PayloadType);
        Assert.Equal(["0", "101"], pbx.Answer!.Media[0].Formats);
    }

    [Fact]
    public void Answer_ptime_respects_the_offer_maxptime()
    {
        var local = Local(MediaSecurityRequirement.AllowPlain) with { Ptime = 40 };
        Assert.Equal(30, AnswerText(Offer("0", "a=maxptime:30\r\n"), local).Answer!.Media[0].Ptime);
        Assert.Equal(40, AnswerText(Offer("0", "a=ptime:20\r\n"), local).Answer!.Media[0].Ptime);
        Assert.Equal(20, AnswerText(Offer("0", "a=ptime:20\r\n"), local).Audio!.RemotePtime);
    }

    [Fact]
    public void No_common_codec_is_a_typed_488()
    {
        var result = AnswerText(Offer("18 3", string.Empty), Local(MediaSecurityRequirement.AllowPlain));
        Assert.False(result.IsAccepted);
        Assert.Equal(SdpNegotiationFailure.NoCommonCodec, result.Failure);
        Assert.Equal(488, result.SipStatusCode);
        Assert.Null(result.Answer);
    }

    [Fact]
    public void Aead_suites_win_over_aes_cm_whatever_their_order()
    {
        var result = AnswerText(Offer("0", string.Join("\r\n",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
            "a=crypto:2 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==",
            "a=crypto:3 AEAD_AES_256_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=",
            string.Empty), "RTP/SAVP"), Local());
        Assert.Equal(SdesCryptoSuites.AeadAes256Gcm, result.Audio!.SrtpSuite);
        Assert.Equal(3, result.Answer!.Media[0].Crypto.Single().Tag);
        Assert.Equal(44, result.Answer.Media[0].Crypto.Single().Keys[0].KeySalt.Length);

        var only128 = AnswerText(Offer("0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=crypto:2 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==\r\n", "RTP/SAVP"), Local());
        Assert.Equal(2, only128.Audio!.RemoteCrypto!.Tag);
    }

    [Fact]
    public void Crypto_lines_with_mki_or_unsupported_session_parameters_are_skipped()
    {
        var result = AnswerText(Offer("0", "a=crypto:1 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==|2^31|1:1\r\n" +
            "a=crypto:2 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw== UNENCRYPTED_SRTP\r\n" +
            "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz WSH=64\r\n", "RTP/SAVP"), Local());
        Assert.Equal(3, result.Audio!.RemoteCrypto!.Tag);

        var none = AnswerText(Offer("0", "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", "RTP/SAVP"), Local());
        Assert.Equal(SdpNegotiationFailure.NoCommonSecurity, none.Failure);
    }

    [Fact]
    public void Security_ranks_end_to_end_over_dtls_over_sdes()
    {
        const string Crypto = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
        const string Dtls = "a=fingerprint:sha-256 D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39\r\na=setup:actpass\r\n";
        var all = Offer("0", "a=x-voipkit-e2e:1\r\n" + Crypto + Dtls, "RTP/SAVP");
        var e2eLocal = Local() with { EndToEnd = true, DtlsFingerprint = LocalFingerprint };
        var e2e = AnswerText(all, e2eLocal);
        Assert.Equal(SdpSecurity.EndToEnd, e2e.Audio!.Security);
        Assert.Equal(1, e2e.Answer!.Media[0].EndToEndVersion);
        Assert.Empty(e2e.Answer.Media[0].Crypto);
        Assert.Empty(e2e.Answer.Media[0].Fingerprints);

        var dtls = AnswerText(all, e2eLocal with { EndToEnd = false });
        Assert.Equal(SdpSecurity.DtlsSrtp, dtls.Audio!.Security);
        Assert.Null(dtls.Answer!.Media[0].EndToEndVersion);

        var sdes = AnswerText(all, Local());
        Assert.Equal(SdpSecurity.SdesSrtp, sdes.Audio!.Security);
    }

    [Fact]
    public void WebRtc_offer_is_answered_with_dtls_ice_and_rtcp_mux()
    {
        var local = Local() with
        {
            DtlsFingerprint = LocalFingerprint,
            IceUfrag = "VkAb",
            IcePwd = "0123456789abcdefghijklmn",
            IceTrickle = true,
            Candidates = [new IceCandidate { Foundation = "1", Priority = 2130706431, Address = "192.0.2.50", Port = 40000, Type = IceCandidateType.Host }],
            EndOfCandidates = true,
        };
        var result = AnswerText(SampleSdps.WebRtcOffer, local);
        var audio = result.Audio!;
        Assert.Equal(SdpSecurity.DtlsSrtp, audio.Security);
        Assert.Equal(DtlsSetupRole.Active, audio.LocalSetup);
        Assert.Equal(0xD1, audio.RemoteFingerprints.Single().Value[0]);
        Assert.True(audio.RtcpMux);
        Assert.Equal(54321, audio.RemoteRtcpPort);
        Assert.Equal("EsAw", audio.RemoteIceUfrag);
        Assert.Equal(4, audio.RemoteCandidates.Count);
        Assert.Equal(10, audio.RemoteOpus!.MinPtime);

        var m = result.Answer!.Media[0];
        Assert.Equal(SdpProtocols.UdpTlsRtpSavpf, m.Protocol);
        Assert.Equal(DtlsSetupRole.Active, m.Setup);
        Assert.Equal(LocalFingerprint.Value, m.Fingerprints.Single().Value);
        Assert.True(m.RtcpMux);
        Assert.Equal("VkAb", m.IceUfrag);
        Assert.Equal(["trickle"], m.IceOptions);
        Assert.Single(m.Candidates);
        Assert.True(m.EndOfCandidates);
        Assert.Empty(m.Crypto);

        // The same offer without DTLS support: SAVPF with nothing to key it.
        Assert.Equal(SdpNegotiationFailure.NoCommonSecurity, AnswerText(SampleSdps.WebRtcOffer, Local()).Failure);
    }

    [Fact]
    public void Dtls_answer_role_follows_the_offer_setup()
    {
        string OfferWith(string setup) => Offer("0", "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\r\n" + (setup.Length > 0 ? $"a=setup:{setup}\r\n" : string.Empty), "UDP/TLS/RTP/SAVP");
        var local = Local() with { DtlsFingerprint = LocalFingerprint };
        Assert.Equal(DtlsSetupRole.Active, AnswerText(OfferWith("actpass"), local).Audio!.LocalSetup);
        Assert.Equal(DtlsSetupRole.Active, AnswerText(OfferWith("passive"), local).Audio!.LocalSetup);
        Assert.Equal(DtlsSetupRole.Passive, AnswerText(OfferWith("active"), local).Audio!.LocalSetup);
        Assert.Equal(DtlsSetupRole.HoldConn, AnswerText(OfferWith("holdconn"), local).Audio!.LocalSetup);
        Assert.Equal(DtlsSetupRole.Passive, AnswerText(OfferWith(string.Empty), local).Audio!.LocalSetup); // RFC 4145 default: offer active
    }

    [Fact]
    public void Offerer_role_follows_the_answer_setup_and_its_default()
    {
        var alice = Local() with { SdesSuites = [], DtlsFingerprint = LocalFingerprint };
        var offer = SdpNegotiator.CreateOffer(alice);
        var answer = SdpNegotiator.Answer(offer, alice).Answer!;
        answer.Media[0].Setup = DtlsSetupRole.Passive;
        Assert.Equal(DtlsSetupRole.Active, SdpNegotiator.ProcessAnswer(offer, answer, alice).Audio!.LocalSetup);
        answer.Media[0].Setup = null; // RFC 4145 default: answer passive
        Assert.Equal(DtlsSetupRole.Active, SdpNegotiator.ProcessAnswer(offer, answer, alice).Audio!.LocalSetup);
        answer.Media[0].Setup = DtlsSetupRole.Active;
        Assert.Equal(DtlsSetupRole.Passive, SdpNegotiator.ProcessAnswer(offer, answer, alice).Audio!.LocalSetup);
    }

    [Fact]
    public void Require_encryption_refuses_a_plain_offer_with_a_typed_488()
    {
        var result = AnswerText(SampleSdps.PbxPcmuOffer, Local(MediaSecurityRequirement.RequireEncryption));
        Assert.False(result.IsAccepted);
        Assert.Equal(SdpNegotiationFailure.EncryptionRequired, result.Failure);
        Assert.Equal(488, result.SipStatusCode);
        Assert.Null(result.Answer);
        Assert.NotNull(result.Detail);

        var allowed = AnswerText(SampleSdps.PbxPcmuOffer, Local(MediaSecurityRequirement.AllowPlain));
        Assert.True(allowed.IsAccepted);
        Assert.Equal(SdpSecurity.None, allowed.Audio!.Security);
        Assert.Equal(SdpProtocols.RtpAvp, allowed.Answer!.Media[0].Protocol);
        Assert.Equal("PCMU", allowed.Audio.Codec.EncodingName);
    }

    [Fact]
    public void Require_end_to_end_refuses_sdes_and_dtls()
    {
        var local = Local(MediaSecurityRequirement.RequireEndToEnd) with { EndToEnd = true, DtlsFingerprint = LocalFingerprint };
        Assert.Equal(SdpNegotiationFailure.EndToEndRequired, AnswerText(SampleSdps.SdesTwoSuitesOffer, local).Failure);
        Assert.Equal(SdpNegotiationFailure.EndToEndRequired, AnswerText(SampleSdps.WebRtcOffer, local).Failure);
    }

    [Fact]
    public void Best_effort_sdes_on_rtp_avp_is_used_when_offered()
    {
        var result = AnswerText(Offer("0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"), Local());
        Assert.Equal(SdpSecurity.SdesSrtp, result.Audio!.Security);
        Assert.Equal(SdpProtocols.RtpAvp, result.Answer!.Media[0].Protocol);
    }

    [Theory]
    [InlineData("a=sendrecv\r\n", MediaDirection.SendRecv, MediaDirection.SendRecv, MediaDirection.SendRecv)]
    [InlineData("a=sendonly\r\n", MediaDirection.SendRecv, MediaDirection.RecvOnly, MediaDirection.SendOnly)]
    [InlineData("a=recvonly\r\n", MediaDirection.SendRecv, MediaDirection.SendOnly, MediaDirection.RecvOnly)]
    [InlineData("a=inactive\r\n", MediaDirection.SendRecv, MediaDirection.Inactive, MediaDirection.Inactive)]
    [InlineData("", MediaDirection.SendRecv, MediaDirection.SendRecv, MediaDirection.SendRecv)]
    [InlineData("a=sendrecv\r\n", MediaDirection.SendOnly, MediaDirection.SendOnly, MediaDirection.SendRecv)]
    [InlineData("a=sendonly\r\n", MediaDirection.SendOnly, MediaDirection.Inactive, MediaDirection.SendOnly)]
    [InlineData("a=recvonly\r\n", MediaDirection.RecvOnly, MediaDirection.Inactive, MediaDirection.RecvOnly)]
    public void Answer_direction_complements_the_offer(string attribute, MediaDirection wanted, MediaDirection expected, MediaDirection remote)
    {
        var result = AnswerText(Offer("0", attribute), Local(MediaSecurityRequirement.AllowPlain) with { Direction = wanted });
        Assert.Equal(expected, result.Answer!.Media[0].Direction);
        Assert.Equal(expected, result.Audio!.LocalDirection);
        Assert.Equal(remote, result.Audio.RemoteDirection);
    }

    [Fact]
    public void Session_level_direction_applies_to_the_stream()
    {
        var offer = Offer("0", string.Empty).Replace("t=0 0\r\n", "t=0 0\r\na=sendonly\r\n", StringComparison.Ordinal);
        var result = AnswerText(offer, Local(MediaSecurityRequirement.AllowPlain));
        Assert.Equal(MediaDirection.RecvOnly, result.Answer!.Media[0].Direction);
        Assert.True(result.Audio!.RemoteHold);
    }

    [Fact]
    public void Rfc2543_hold_address_is_treated_as_sendonly()
    {
        var result = AnswerText(Offer("0", string.Empty, connection: "0.0.0.0"), Local(MediaSecurityRequirement.AllowPlain));
        Assert.Equal(MediaDirection.RecvOnly, result.Answer!.Media[0].Direction);
        Assert.True(result.Audio!.RemoteHold);
    }

    [Fact]
    public void Streams_not_accepted_keep_their_place_with_port_zero()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
            "m=video 5006 RTP/AVP 96 97\r\na=rtpmap:96 VP8/90000\r\n" +
            "m=audio 0 RTP/AVP 0\r\n" +
            "m=audio 5004 RTP/AVP 0 8\r\n" +
            "m=audio 5008 RTP/AVP 8\r\n" +
            "m=application 5010 UDP/BFCP *\r\n";
        var result = AnswerText(offer, Local(MediaSecurityRequirement.AllowPlain));
        var media = result.Answer!.Media;
        Assert.Equal(["video", "audio", "audio", "audio", "application"], media.Select(m => m.Media));
        Assert.Equal([0, 0, 40000, 0, 0], media.Select(m => m.Port));
        Assert.Equal(["96"], media[0].Formats);
        Assert.Equal(["*"], media[4].Formats);
        Assert.Equal("UDP/BFCP", media[4].Protocol);
        Assert.Equal(2, result.Audio!.MediaIndex);
    }

    [Fact]
    public void Stream_without_any_connection_address_is_refused_not_crashed()
    {
        var offer = SessionDescription.Parse(SampleSdps.PbxPcmuOffer);
        offer.Connection = null;
        Assert.Equal(SdpNegotiationFailure.NoAudioStream, SdpNegotiator.Answer(offer, Local(MediaSecurityRequirement.AllowPlain)).Failure);
        var local = Local(MediaSecurityRequirement.AllowPlain);
        var ours = SdpNegotiator.CreateOffer(local);
        var answer = SdpNegotiator.Answer(ours, local).Answer!;
        answer.Connection = null;
        Assert.Equal(SdpNegotiationFailure.NoAudioStream, SdpNegotiator.ProcessAnswer(ours, answer, local).Failure);
    }

    [Fact]
    public void Offer_without_audio_is_refused()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=video 5006 RTP/AVP 96\r\n";
        Assert.Equal(SdpNegotiationFailure.NoAudioStream, AnswerText(offer, Local()).Failure);
    }

    [Fact]
    public void Two_voipkit_endpoints_negotiate_sdes_with_crossed_keys()
    {
        var alice = Local() with { SessionId = 1 };
        var bob = Local() with { Address = "192.0.2.60", AudioPort = 41000, SessionId = 2 };
        var offer = SdpNegotiator.CreateOffer(alice);
        Assert.Equal(SdpProtocols.RtpSavp, offer.Media[0].Protocol);
        Assert.Equal([SdesCryptoSuites.AeadAes256Gcm, SdesCryptoSuites.AeadAes128Gcm, SdesCryptoSuites.AesCm128HmacSha1Tag80], offer.Media[0].Crypto.Select(c => c.Suite));

        var answered = SdpNegotiator.Answer(SessionDescription.Parse(offer.ToString()), bob);
        var atAlice = SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(answered.Answer!.ToString()), alice);
        Assert.True(atAlice.IsAccepted);
        Assert.Equal(SdpSecurity.SdesSrtp, atAlice.Audio!.Security);
        Assert.Equal(SdesCryptoSuites.AeadAes256Gcm, atAlice.Audio.SrtpSuite);
        Assert.Equal(answered.Audio!.LocalCrypto!.Keys[0].KeySalt, atAlice.Audio.RemoteCrypto!.Keys[0].KeySalt);
        Assert.Equal(answered.Audio.RemoteCrypto!.Keys[0].KeySalt, atAlice.Audio.LocalCrypto!.Keys[0].KeySalt);
        Assert.True(atAlice.Audio.Codec.Is("opus"));
        Assert.Equal(110, atAlice.Audio.TelephoneEvent!.PayloadType);
        Assert.Equal("192.0.2.60", atAlice.Audio.RemoteAddress);
        Assert.Equal(41000, atAlice.Audio.RemotePort);
        Assert.True(atAlice.Audio.RtcpMux);
    }

    [Fact]
    public void Two_voipkit_endpoints_negotiate_end_to_end()
    {
        var alice = Local(MediaSecurityRequirement.RequireEndToEnd) with { EndToEnd = true };
        var bob = Local(MediaSecurityRequirement.RequireEndToEnd) with { EndToEnd = true, AudioPort = 41000 };
        var offer = SdpNegotiator.CreateOffer(alice);
        var answered = SdpNegotiator.Answer(offer, bob);
        Assert.Equal(SdpSecurity.EndToEnd, answered.Audio!.Security);
        var atAlice = SdpNegotiator.ProcessAnswer(offer, answered.Answer!, alice);
        Assert.Equal(SdpSecurity.EndToEnd, atAlice.Audio!.Security);

        // A peer that only does SDES answers with a crypto line: refused by the end-to-end policy.
        var sdesOnly = SdpNegotiator.Answer(offer, Local());
        Assert.Equal(SdpNegotiationFailure.EndToEndRequired, SdpNegotiator.ProcessAnswer(offer, sdesOnly.Answer!, alice).Failure);
    }

    [Fact]
    public void Dtls_only_offer_and_answer_give_complementary_roles()
    {
        var alice = Local() with { SdesSuites = [], DtlsFingerprint = LocalFingerprint };
        var offer = SdpNegotiator.CreateOffer(alice);
        Assert.Equal(SdpProtocols.UdpTlsRtpSavp, offer.Media[0].Protocol);
        Assert.Equal(DtlsSetupRole.ActPass, offer.Media[0].Setup);
        var answered = SdpNegotiator.Answer(offer, alice);
        var atAlice = SdpNegotiator.ProcessAnswer(offer, answered.Answer!, alice);
        Assert.Equal(SdpSecurity.DtlsSrtp, atAlice.Audio!.Security);
        Assert.Equal(DtlsSetupRole.Active, answered.Audio!.LocalSetup);
        Assert.Equal(DtlsSetupRole.Passive, atAlice.Audio.LocalSetup);
    }

    [Fact]
    public void Allow_plain_offers_best_effort_srtp_that_a_plain_peer_can_answer()
    {
        var alice = Local(MediaSecurityRequirement.AllowPlain);
        var offer = SdpNegotiator.CreateOffer(alice);
        Assert.Equal(SdpProtocols.RtpAvp, offer.Media[0].Protocol);
        Assert.NotEmpty(offer.Media[0].Crypto);
        var plainAnswer = SessionDescription.Parse("v=0\r\no=- 5 5 IN IP4 192.0.2.99\r\ns=-\r\nc=IN IP4 192.0.2.99\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n");
        var atAlice = SdpNegotiator.ProcessAnswer(offer, plainAnswer, alice);
        Assert.Equal(SdpSecurity.None, atAlice.Audio!.Security);
        Assert.Equal("PCMU", atAlice.Audio.Codec.EncodingName);

        // The same plain answer to an offer made under "require encryption" is refused.
        var strict = Local();
        Assert.Equal(SdpNegotiationFailure.EncryptionRequired, SdpNegotiator.ProcessAnswer(SdpNegotiator.CreateOffer(strict), plainAnswer, strict).Failure);
    }

    [Fact]
    public void Answers_that_do_not_match_the_offer_are_refused()
    {
        var alice = Local();
        var offer = SdpNegotiator.CreateOffer(alice);
        var good = SdpNegotiator.Answer(offer, Local()).Answer!;

        var extraLine = SessionDescription.Parse(good.ToString() + "m=video 0 RTP/AVP 96\r\n");
        Assert.Equal(SdpNegotiationFailure.AnswerDoesNotMatchOffer, SdpNegotiator.ProcessAnswer(offer, extraLine, alice).Failure);

        var newPayloadType = SessionDescription.Parse(good.ToString());
        newPayloadType.Media[0].Formats.Insert(0, "96");
        Assert.Equal(SdpNegotiationFailure.AnswerDoesNotMatchOffer, SdpNegotiator.ProcessAnswer(offer, newPayloadType, alice).Failure);

        var wrongTag = SessionDescription.Parse(good.ToString().Replace("a=crypto:1 ", "a=crypto:9 ", StringComparison.Ordinal));
        Assert.Equal(SdpNegotiationFailure.AnswerDoesNotMatchOffer, SdpNegotiator.ProcessAnswer(offer, wrongTag, alice).Failure);

        var rejected = SessionDescription.Parse(good.ToString().Replace("m=audio 40000", "m=audio 0", StringComparison.Ordinal));
        Assert.Equal(SdpNegotiationFailure.NoAudioStream, SdpNegotiator.ProcessAnswer(offer, rejected, alice).Failure);
    }

    [Fact]
    public void Hold_and_resume_follow_rfc_3264_section_8_4()
    {
        var alice = Local();
        var bob = Local() with { AudioPort = 41000 };
        var offer = SdpNegotiator.CreateOffer(alice);

        var hold = SdpNegotiator.CreateHoldOffer(offer);
        Assert.Equal(offer.Origin.SessionVersion + 1, hold.Origin.SessionVersion);
        Assert.Equal(MediaDirection.SendOnly, hold.Media[0].Direction);
        Assert.Equal(MediaDirection.SendRecv, offer.Media[0].Direction); // the previous offer is untouched

        var atBob = SdpNegotiator.Answer(hold, bob);
        Assert.Equal(MediaDirection.RecvOnly, atBob.Answer!.Media[0].Direction);
        Assert.True(atBob.Audio!.RemoteHold);
        var atAlice = SdpNegotiator.ProcessAnswer(hold, atBob.Answer, alice);
        Assert.Equal(MediaDirection.SendOnly, atAlice.Audio!.LocalDirection);

        // Bob holds too while held: recvonly becomes inactive.
        var bobHold = SdpNegotiator.CreateHoldOffer(atBob.Answer);
        Assert.Equal(MediaDirection.Inactive, bobHold.Media[0].Direction);

        var resume = SdpNegotiator.CreateResumeOffer(hold);
        Assert.Equal(offer.Origin.SessionVersion + 2, resume.Origin.SessionVersion);
        var resumed = SdpNegotiator.Answer(resume, bob);
        Assert.Equal(MediaDirection.SendRecv, resumed.Answer!.Media[0].Direction);
        Assert.False(resumed.Audio!.RemoteHold);
    }
}
