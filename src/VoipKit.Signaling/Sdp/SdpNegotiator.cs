using System.Globalization;
using System.Security.Cryptography;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// SDP offer/answer (RFC 3264) for a one-to-one audio call: offer creation, answering an offer, processing an answer,
/// and hold/resume re-offers. Picks the best common codec (Opus first, else the offerer's order) and the strongest
/// common security (end-to-end over DTLS-SRTP over SDES-SRTP over none, AEAD suites over AES-CM), and refuses what
/// the account's <see cref="MediaSecurityRequirement"/> forbids with a typed <see cref="SdpNegotiationResult"/>.
/// </summary>
public static class SdpNegotiator
{
    /// <summary>The only version of <c>a=x-voipkit-e2e</c> defined so far.</summary>
    public const int EndToEndVersion = 1;

    /// <summary>
    /// Creates an offer with one audio stream. SDES (or end-to-end) capable endpoints offer RTP/SAVP with one crypto line
    /// per suite; an endpoint with DTLS only offers UDP/TLS/RTP/SAVP; with <see cref="MediaSecurityRequirement.AllowPlain"/>
    /// the profile is RTP/AVP with the crypto lines as best-effort SRTP (as baresip's <c>mediaenc=srtp</c> does), so that
    /// plain peers can still answer.
    /// </summary>
    /// <param name="local">What this endpoint supports.</param>
    /// <returns>The offer. Its crypto lines hold fresh keys: keep the offer to process the answer.</returns>
    public static SessionDescription CreateOffer(SdpLocalOptions local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var sdp = NewSession(local);
        var sdes = local.SdesSuites.Count > 0;
        var m = new MediaDescription
        {
            Media = "audio",
            Port = local.AudioPort,
            Protocol = sdes || local.EndToEnd
                ? local.Requirement == MediaSecurityRequirement.AllowPlain ? SdpProtocols.RtpAvp : SdpProtocols.RtpSavp
                : local.DtlsFingerprint is not null ? SdpProtocols.UdpTlsRtpSavp
                : SdpProtocols.RtpAvp,
            Ptime = local.Ptime,
            Direction = local.Direction,
            RtcpMux = local.RtcpMux,
        };
        foreach (var codec in local.Codecs)
        {
            m.Formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
            m.RtpMaps.Add(codec.ToRtpMap(codec.PayloadType));
            AddFormatParameters(m, codec, codec.PayloadType, local);
        }

        if (local.EndToEnd)
        {
            m.EndToEndVersion = EndToEndVersion;
        }

        if (sdes && !SdpProtocols.IsDtls(m.Protocol))
        {
            var tag = 1;
            foreach (var suite in local.SdesSuites)
            {
                if (SdesCryptoSuites.KeySaltLength(suite) is not null)
                {
                    m.Crypto.Add(NewCrypto(tag++, suite));
                }
            }
        }
        else if (local.DtlsFingerprint is { } fingerprint)
        {
            m.Fingerprints.Add(fingerprint);
            m.Setup = DtlsSetupRole.ActPass;
        }

        AddIce(m, local, offerHadTrickle: true);
        sdp.Media.Add(m);
        return sdp;
    }

    /// <summary>
    /// Answers an offer (RFC 3264 section 6): the same m-lines in the same order, port 0 for every stream not accepted,
    /// the offer's payload types reused, the direction complemented. VoipKit accepts the first usable audio stream only.
    /// </summary>
    /// <param name="offer">The peer's offer.</param>
    /// <param name="local">What this endpoint supports and wants.</param>
    /// <returns>Accepted with the answer and the negotiated audio, or refused (send 488) with the reason.</returns>
    public static SdpNegotiationResult Answer(SessionDescription offer, SdpLocalOptions local)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(local);
        var answer = NewSession(local);
        answer.Timings.Clear();
        answer.Timings.AddRange(offer.Timings.Select(t => t with { Repeats = [] }));
        NegotiatedAudio? audio = null;
        (SdpNegotiationFailure Failure, string Detail)? firstFailure = null;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (audio is null && IsCandidateAudio(m))
            {
                var (failure, detail, answered, negotiated) = AnswerAudio(offer, m, i, local);
                if (failure == SdpNegotiationFailure.None)
                {
                    answer.Media.Add(answered!);
                    audio = negotiated;
                    continue;
                }

                firstFailure ??= (failure, detail);
            }

            answer.Media.Add(Rejected(m));
        }

        if (audio is null)
        {
            return firstFailure is { } f
                ? SdpNegotiationResult.Refused(f.Failure, f.Detail)
                : SdpNegotiationResult.Refused(SdpNegotiationFailure.NoAudioStream, "the offer has no usable audio stream");
        }

        return SdpNegotiationResult.Accepted(answer, audio);
    }

    /// <summary>Processes the peer's answer to an offer this endpoint made with <see cref="CreateOffer"/>.</summary>
    /// <param name="offer">The offer this endpoint sent.</param>
    /// <param name="answer">The peer's answer.</param>
    /// <param name="local">The options the offer was made with (the policy is applied again).</param>
    /// <returns>Accepted with the negotiated audio (no <see cref="SdpNegotiationResult.Answer"/>), or refused: end the call or roll back the re-offer.</returns>
    public static SdpNegotiationResult ProcessAnswer(SessionDescription offer, SessionDescription answer, SdpLocalOptions local)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(local);
        if (answer.Media.Count != offer.Media.Count)
        {
            return SdpNegotiationResult.Refused(SdpNegotiationFailure.AnswerDoesNotMatchOffer, "the answer has a different number of m-lines");
        }

        for (var i = 0; i < offer.Media.Count; i++)
        {
            if (!string.Equals(offer.Media[i].Media, answer.Media[i].Media, StringComparison.OrdinalIgnoreCase))
            {
                return SdpNegotiationResult.Refused(SdpNegotiationFailure.AnswerDoesNotMatchOffer, $"m-line {i + 1} changed its media type");
            }
        }

        var index = -1;
        for (var i = 0; i < answer.Media.Count && index < 0; i++)
        {
            if (IsCandidateAudio(answer.Media[i]) && IsCandidateAudio(offer.Media[i]))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            return SdpNegotiationResult.Refused(SdpNegotiationFailure.NoAudioStream, "the answer rejected every audio stream");
        }

        var om = offer.Media[index];
        var am = answer.Media[index];

        // Codec: the first payload type of the answer that the offer listed (a new one would be a protocol error).
        RtpMap? codec = null;
        foreach (var format in am.Formats)
        {
            var pt = int.Parse(format, CultureInfo.InvariantCulture);
            if (!om.Formats.Contains(format))
            {
                return SdpNegotiationResult.Refused(SdpNegotiationFailure.AnswerDoesNotMatchOffer, $"the answer uses payload type {pt}, which was not offered");
            }

            var map = om.FindRtpMap(pt) ?? am.FindRtpMap(pt) ?? StaticRtpMap(pt);
            if (map is not null && !map.Is("telephone-event") && local.Codecs.Any(c => !c.IsTelephoneEvent && c.Matches(map)))
            {
                codec = map;
                break;
            }
        }

        if (codec is null)
        {
            return SdpNegotiationResult.Refused(SdpNegotiationFailure.NoCommonCodec, "the answer has no codec VoipKit supports");
        }

        // Security: what the answer selected among what was offered.
        SdpSecurity security;
        SdesCrypto? localCrypto = null;
        SdesCrypto? remoteCrypto = null;
        DtlsSetupRole? localSetup = null;
        var remoteFingerprints = am.Fingerprints.Count > 0 ? am.Fingerprints : answer.Fingerprints;
        if ((om.EndToEndVersion ?? offer.EndToEndVersion) == EndToEndVersion && (am.EndToEndVersion ?? answer.EndToEndVersion) == EndToEndVersion)
        {
            security = SdpSecurity.EndToEnd;
        }
        else if ((om.Fingerprints.Count > 0 || offer.Fingerprints.Count > 0) && remoteFingerprints.Count > 0)
        {
            security = SdpSecurity.DtlsSrtp;
            localSetup = (am.Setup ?? answer.Setup) switch
            {
                DtlsSetupRole.Passive => DtlsSetupRole.Active,
                DtlsSetupRole.HoldConn => DtlsSetupRole.HoldConn,
                DtlsSetupRole.Active => DtlsSetupRole.Passive,

                // RFC 4145 section 4: an answer without setup is "passive", so the offerer connects; actpass in an answer
                // is invalid and read the same way.
                _ => DtlsSetupRole.Active,
            };
        }
        else if (am.Crypto.Count > 0)
        {
            if (am.Crypto.Count != 1)
            {
                return SdpNegotiationResult.Refused(SdpNegotiationFailure.AnswerDoesNotMatchOffer, "the answer has more than one crypto line");
            }

            remoteCrypto = am.Crypto[0];
            localCrypto = om.Crypto.Find(c => c.Tag == remoteCrypto.Tag);
            if (localCrypto is null || localCrypto.Suite != remoteCrypto.Suite || !IsUsableCrypto(remoteCrypto, local))
            {
                return SdpNegotiationResult.Refused(SdpNegotiationFailure.AnswerDoesNotMatchOffer, "the answer's crypto line does not match an offered one");
            }

            security = SdpSecurity.SdesSrtp;
        }
        else if (!SdpProtocols.IsSecure(am.Protocol))
        {
            security = SdpSecurity.None;
        }
        else
        {
            return SdpNegotiationResult.Refused(SdpNegotiationFailure.NoCommonSecurity, "the answer uses an SRTP profile without keying");
        }

        if (PolicyFailure(security, local.Requirement) is { } refusal)
        {
            return refusal;
        }

        var remoteDirection = answer.EffectiveDirection(am);
        if (answer.EffectiveConnection(am) is not { } connection)
        {
            return SdpNegotiationResult.Refused(SdpNegotiationFailure.NoAudioStream, "the answer's audio stream has no connection address");
        }

        var offered = offer.EffectiveDirection(om);
        var localDirection = Complement(remoteDirection, offered);
        var te = FindTelephoneEvent(om, am.Formats, codec.ClockRate, local);
        var audio = new NegotiatedAudio
        {
            MediaIndex = index,
            Codec = codec,
            RemoteFormatParameters = am.FindFmtp(codec.PayloadType),
            RemoteOpus = codec.Is("opus") ? OpusParameters.FromFmtp(am.FindFmtp(codec.PayloadType)) : null,
            TelephoneEvent = te,
            RemotePtime = am.Ptime,
            Security = security,
            SrtpSuite = remoteCrypto?.Suite,
            LocalCrypto = localCrypto,
            RemoteCrypto = remoteCrypto,
            RemoteFingerprints = security == SdpSecurity.DtlsSrtp ? remoteFingerprints : [],
            LocalSetup = localSetup,
            RemoteAddress = connection.Address,
            RemotePort = am.Port,
            RtcpMux = om.RtcpMux && am.RtcpMux,
            RemoteRtcpPort = om.RtcpMux && am.RtcpMux ? am.Port : am.Rtcp?.Port ?? am.Port + 1,
            LocalDirection = localDirection,
            RemoteDirection = remoteDirection,
            RemoteHold = remoteDirection is MediaDirection.SendOnly or MediaDirection.Inactive || connection.IsNullAddress,
            RemoteIceUfrag = am.IceUfrag ?? answer.IceUfrag,
            RemoteIcePwd = am.IcePwd ?? answer.IcePwd,
            RemoteIceLite = answer.IceLite,
            RemoteCandidates = am.Candidates,
        };
        return SdpNegotiationResult.Accepted(null, audio);
    }

    /// <summary>
    /// A re-offer that puts the peer on hold (RFC 3264 section 8.4): every active stream that was sendrecv becomes sendonly,
    /// recvonly becomes inactive; the o= version is incremented. The previous offer is not modified.
    /// </summary>
    /// <param name="previous">The last description this endpoint sent (offer or answer).</param>
    /// <returns>The hold offer.</returns>
    public static SessionDescription CreateHoldOffer(SessionDescription previous) => Redirect(previous, hold: true);

    /// <summary>A re-offer that takes the peer off hold: every active stream becomes sendrecv; the o= version is incremented.</summary>
    /// <param name="previous">The last description this endpoint sent.</param>
    /// <returns>The resume offer.</returns>
    public static SessionDescription CreateResumeOffer(SessionDescription previous) => Redirect(previous, hold: false);

    private static SessionDescription Redirect(SessionDescription previous, bool hold)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var sdp = SessionDescription.Parse(previous.ToUtf8Bytes());
        sdp.Origin = sdp.Origin with { SessionVersion = sdp.Origin.SessionVersion + 1 };
        foreach (var m in sdp.Media)
        {
            if (m.Port != 0)
            {
                var current = sdp.EffectiveDirection(m);
                m.Direction = !hold ? MediaDirection.SendRecv
                    : current is MediaDirection.SendRecv or MediaDirection.SendOnly ? MediaDirection.SendOnly
                    : MediaDirection.Inactive;
            }
        }

        sdp.Direction = null;
        return sdp;
    }

    private static (SdpNegotiationFailure, string, MediaDescription?, NegotiatedAudio?) AnswerAudio(SessionDescription offer, MediaDescription m, int index, SdpLocalOptions local)
    {
        // Codec: Opus when both have it, else the first of the offer's order that this endpoint supports.
        RtpMap? codec = null;
        foreach (var format in m.Formats)
        {
            var pt = int.Parse(format, CultureInfo.InvariantCulture);
            var map = m.FindRtpMap(pt) ?? StaticRtpMap(pt);
            if (map is null || map.Is("telephone-event") || !local.Codecs.Any(c => !c.IsTelephoneEvent && c.Matches(map)))
            {
                continue;
            }

            if (codec is null || (map.Is("opus") && !codec.Is("opus")))
            {
                codec = map;
            }
        }

        if (codec is null)
        {
            return (SdpNegotiationFailure.NoCommonCodec, "no offered codec is supported", null, null);
        }

        var (security, securityFailure, crypto) = ChooseSecurity(offer, m, local);
        if (securityFailure is { } sf)
        {
            return (sf, "the offered SRTP keying is not supported", null, null);
        }

        if (PolicyFailure(security, local.Requirement) is { } refusal)
        {
            return (refusal.Failure, refusal.Detail!, null, null);
        }

        if (offer.EffectiveConnection(m) is not { } connection)
        {
            // Only a description built in code can lack it: the parser requires c= for every active stream.
            return (SdpNegotiationFailure.NoAudioStream, "the audio stream has no connection address", null, null);
        }

        var offered = offer.EffectiveDirection(m);
        if (connection.IsNullAddress && offered is MediaDirection.SendRecv)
        {
            // RFC 2543 hold: the offerer does not want to receive.
            offered = MediaDirection.SendOnly;
        }

        var direction = Complement(offered, local.Direction);
        var te = FindTelephoneEvent(m, m.Formats, codec.ClockRate, local);
        // Never announce a packet time above the offerer's maxptime.
        var ptime = local.Ptime is int p && m.MaxPtime is int max && p > max ? max : local.Ptime;
        var am = new MediaDescription { Media = m.Media, Port = local.AudioPort, Protocol = m.Protocol, Ptime = ptime, Direction = direction };
        am.Formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
        am.RtpMaps.Add(codec);
        var localCodec = local.Codecs.First(c => !c.IsTelephoneEvent && c.Matches(codec));
        AddFormatParameters(am, localCodec, codec.PayloadType, local);
        if (te is not null)
        {
            am.Formats.Add(te.PayloadType.ToString(CultureInfo.InvariantCulture));
            am.RtpMaps.Add(te);
            am.Fmtps.Add(Fmtp.Create(te.PayloadType, ("0-15", null)));
        }

        am.RtcpMux = m.RtcpMux && local.RtcpMux;
        var offerIce = (m.IceUfrag ?? offer.IceUfrag) is not null;
        if (offerIce)
        {
            AddIce(am, local, (m.IceOptions.Count > 0 ? m.IceOptions : offer.IceOptions).Contains("trickle"));
        }

        SdesCrypto? localCrypto = null;
        DtlsSetupRole? localSetup = null;
        var remoteFingerprints = m.Fingerprints.Count > 0 ? m.Fingerprints : offer.Fingerprints;
        switch (security)
        {
            case SdpSecurity.EndToEnd:
                am.EndToEndVersion = EndToEndVersion;
                break;
            case SdpSecurity.DtlsSrtp:
                am.Fingerprints.Add(local.DtlsFingerprint!);
                localSetup = (m.Setup ?? offer.Setup) switch
                {
                    // RFC 4145 section 4: an offer without setup is "active".
                    DtlsSetupRole.Active or null => DtlsSetupRole.Passive,
                    DtlsSetupRole.HoldConn => DtlsSetupRole.HoldConn,

                    // actpass: the answerer takes the active role (RFC 8842); passive leaves it no choice.
                    _ => DtlsSetupRole.Active,
                };
                am.Setup = localSetup;
                break;
            case SdpSecurity.SdesSrtp:
                localCrypto = NewCrypto(crypto!.Tag, crypto.Suite);
                am.Crypto.Add(localCrypto);
                break;
            default:
                break;
        }

        var audio = new NegotiatedAudio
        {
            MediaIndex = index,
            Codec = codec,
            RemoteFormatParameters = m.FindFmtp(codec.PayloadType),
            RemoteOpus = codec.Is("opus") ? OpusParameters.FromFmtp(m.FindFmtp(codec.PayloadType)) : null,
            TelephoneEvent = te,
            RemotePtime = m.Ptime,
            Security = security,
            SrtpSuite = crypto?.Suite,
            LocalCrypto = localCrypto,
            RemoteCrypto = crypto,
            RemoteFingerprints = security == SdpSecurity.DtlsSrtp ? remoteFingerprints : [],
            LocalSetup = localSetup,
            RemoteAddress = connection.Address,
            RemotePort = m.Port,
            RtcpMux = am.RtcpMux,
            RemoteRtcpPort = am.RtcpMux ? m.Port : m.Rtcp?.Port ?? m.Port + 1,
            LocalDirection = direction,
            RemoteDirection = offer.EffectiveDirection(m),
            RemoteHold = offered is MediaDirection.SendOnly or MediaDirection.Inactive,
            RemoteIceUfrag = m.IceUfrag ?? offer.IceUfrag,
            RemoteIcePwd = m.IcePwd ?? offer.IcePwd,
            RemoteIceLite = offer.IceLite,
            RemoteCandidates = m.Candidates,
        };
        return (SdpNegotiationFailure.None, string.Empty, am, audio);
    }

    private static (SdpSecurity Security, SdpNegotiationFailure? Failure, SdesCrypto? Crypto) ChooseSecurity(SessionDescription offer, MediaDescription m, SdpLocalOptions local)
    {
        // x-voipkit-e2e is understood only by VoipKit peers, whose keying it defines whatever the profile (on RTP/AVP it
        // is best-effort SRTP, like SDES on RTP/AVP).
        var secureProfile = SdpProtocols.IsSecure(m.Protocol);
        if (local.EndToEnd && (m.EndToEndVersion ?? offer.EndToEndVersion) == EndToEndVersion)
        {
            return (SdpSecurity.EndToEnd, null, null);
        }

        var fingerprints = m.Fingerprints.Count > 0 ? m.Fingerprints : offer.Fingerprints;
        if (local.DtlsFingerprint is not null && secureProfile && fingerprints.Count > 0)
        {
            return (SdpSecurity.DtlsSrtp, null, null);
        }

        // SDES also on RTP/AVP: best-effort SRTP as baresip's mediaenc=srtp offers it. Never on a DTLS profile.
        if (!SdpProtocols.IsDtls(m.Protocol))
        {
            SdesCrypto? best = null;
            foreach (var c in m.Crypto)
            {
                if (IsUsableCrypto(c, local) && (best is null || SdesCryptoSuites.Strength(c.Suite) > SdesCryptoSuites.Strength(best.Suite)))
                {
                    best = c;
                }
            }

            if (best is not null)
            {
                return (SdpSecurity.SdesSrtp, null, best);
            }
        }

        return secureProfile ? (SdpSecurity.None, SdpNegotiationFailure.NoCommonSecurity, null) : (SdpSecurity.None, null, null);
    }

    /// <summary>
    /// A crypto line VoipKit can key from: a suite this endpoint enabled, a single key without MKI, and no session
    /// parameter other than the window size hint (RFC 4568 says to refuse a line with unsupported session parameters).
    /// </summary>
    private static bool IsUsableCrypto(SdesCrypto c, SdpLocalOptions local) =>
        local.SdesSuites.Contains(c.Suite) && SdesCryptoSuites.KeySaltLength(c.Suite) is not null
        && c.Keys.Count == 1 && c.Keys[0].Mki is null
        && c.SessionParameters.All(p => p.StartsWith("WSH=", StringComparison.Ordinal));

    private static SdpNegotiationResult? PolicyFailure(SdpSecurity security, MediaSecurityRequirement requirement) => requirement switch
    {
        MediaSecurityRequirement.RequireEncryption when security == SdpSecurity.None =>
            SdpNegotiationResult.Refused(SdpNegotiationFailure.EncryptionRequired, "the account requires encrypted media and the peer offers plain RTP"),
        MediaSecurityRequirement.RequireEndToEnd when security != SdpSecurity.EndToEnd =>
            SdpNegotiationResult.Refused(SdpNegotiationFailure.EndToEndRequired, "the account requires end-to-end encrypted media and the peer does not support it"),
        _ => null,
    };

    /// <summary>RFC 3264 section 6.1: send only if the other side receives, receive only if the other side sends.</summary>
    private static MediaDirection Complement(MediaDirection offered, MediaDirection wanted)
    {
        var canSend = offered is MediaDirection.SendRecv or MediaDirection.RecvOnly && wanted is MediaDirection.SendRecv or MediaDirection.SendOnly;
        var canReceive = offered is MediaDirection.SendRecv or MediaDirection.SendOnly && wanted is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        return (canSend, canReceive) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };
    }

    private static RtpMap? FindTelephoneEvent(MediaDescription m, List<string> formats, uint clockRate, SdpLocalOptions local)
    {
        foreach (var format in formats)
        {
            var map = m.FindRtpMap(int.Parse(format, CultureInfo.InvariantCulture));
            if (map is not null && map.Is("telephone-event") && map.ClockRate == clockRate && local.Codecs.Any(c => c.IsTelephoneEvent && c.Matches(map)))
            {
                return map;
            }
        }

        return null;
    }

    private static bool IsCandidateAudio(MediaDescription m) =>
        string.Equals(m.Media, "audio", StringComparison.OrdinalIgnoreCase) && m.Port != 0 && m.IsRtp && m.Formats.Count > 0;

    private static MediaDescription Rejected(MediaDescription offered)
    {
        var m = new MediaDescription { Media = offered.Media, Port = 0, Protocol = offered.Protocol };
        if (offered.Formats.Count > 0)
        {
            m.Formats.Add(offered.Formats[0]);
        }

        return m;
    }

    /// <summary>The static audio payload types of RFC 3551 that VoipKit may meet without an rtpmap.</summary>
    private static RtpMap? StaticRtpMap(int pt) => pt switch
    {
        0 => new RtpMap { PayloadType = 0, EncodingName = "PCMU", ClockRate = 8000 },
        8 => new RtpMap { PayloadType = 8, EncodingName = "PCMA", ClockRate = 8000 },
        9 => new RtpMap { PayloadType = 9, EncodingName = "G722", ClockRate = 8000 },
        18 => new RtpMap { PayloadType = 18, EncodingName = "G729", ClockRate = 8000 },
        _ => null,
    };

    private static void AddFormatParameters(MediaDescription m, SdpCodec codec, int pt, SdpLocalOptions local)
    {
        if (codec.Matches(SdpCodec.Opus.ToRtpMap(pt)) && local.Opus.ToFmtp(pt) is { } opus)
        {
            m.Fmtps.Add(opus);
        }
        else if (codec.IsTelephoneEvent)
        {
            m.Fmtps.Add(Fmtp.Create(pt, ("0-15", null)));
        }
    }

    private static void AddIce(MediaDescription m, SdpLocalOptions local, bool offerHadTrickle)
    {
        if (local.IceUfrag is null || local.IcePwd is null)
        {
            return;
        }

        m.IceUfrag = local.IceUfrag;
        m.IcePwd = local.IcePwd;
        if (local.IceTrickle && offerHadTrickle)
        {
            m.IceOptions.Add("trickle");
        }

        m.Candidates.AddRange(local.Candidates);
        m.EndOfCandidates = local.EndOfCandidates;
    }

    private static SessionDescription NewSession(SdpLocalOptions local)
    {
        var sdp = new SessionDescription
        {
            Origin = new Origin { SessionId = local.SessionId, SessionVersion = local.SessionVersion, AddressType = local.AddressType, Address = local.Address },
            Connection = new ConnectionData { AddressType = local.AddressType, Address = local.Address },
            IceLite = local.IceLite && local.IceUfrag is not null,
        };
        sdp.Timings.Add(new Timing());
        return sdp;
    }

    private static SdesCrypto NewCrypto(int tag, string suite) => new()
    {
        Tag = tag,
        Suite = suite,
        Keys = [new SdesKeyParameters { KeySalt = RandomNumberGenerator.GetBytes(SdesCryptoSuites.KeySaltLength(suite)!.Value) }],
    };
}
