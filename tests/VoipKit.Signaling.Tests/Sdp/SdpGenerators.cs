using FsCheck;
using FsCheck.Fluent;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>FsCheck generators of valid session descriptions (the shapes calls use, plus unknown attributes).</summary>
internal static class SdpGenerators
{
    private static readonly string[] IceChars = ["a", "Z", "0", "9", "+", "/", "q", "X"];

    public static Gen<T> Maybe<T>(Gen<T> g)
        where T : class => Gen.Frequency((1, Gen.Constant<T>(null!)), (2, g));

    public static Gen<int?> MaybeInt(int lo, int hi) => Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(lo, hi).Select(i => (int?)i)));

    public static Gen<List<T>> UpTo<T>(int max, Gen<T> g) =>
        from n in Gen.Choose(0, max)
        from xs in Gen.ListOf(g, n)
        select xs.ToList();

    public static Gen<string> Token(int min, int max, string[] alphabet) =>
        from n in Gen.Choose(min, max)
        from parts in Gen.ListOf(Gen.Elements(alphabet), n)
        select string.Concat(parts);

    public static Gen<string> Word => Token(1, 8, ["a", "b", "x", "-", "1", "7", "Z", "."]);

    public static Gen<string> Ipv4 =>
        from a in Gen.Choose(1, 254)
        from b in Gen.Choose(0, 255)
        from c in Gen.Choose(0, 255)
        from d in Gen.Choose(1, 254)
        select $"{a}.{b}.{c}.{d}";

    public static Gen<string> Address => Gen.OneOf(Ipv4, Gen.Elements("2001:db8::1", "fe80::1", "host.example.invalid", "3f2a1b.local"));

    public static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), length);

    public static Gen<IceCandidate> Candidate =>
        from foundation in Token(1, 32, IceChars)
        from component in Gen.Choose(1, 2)
        from transport in Gen.Elements("UDP", "udp", "tcp")
        from priority in Gen.Choose(1, int.MaxValue)
        from address in Address
        from port in Gen.Choose(0, 65535)
        from type in Gen.Elements(Enum.GetValues<IceCandidateType>())
        from raddr in Maybe(Ipv4)
        from rport in MaybeInt(0, 65535)
        from ext in UpTo(3, from n in Gen.Elements("generation", "network-id", "tcptype", "ufrag") from v in Word select new IceCandidateExtension { Name = n, Value = v })
        select new IceCandidate
        {
            Foundation = foundation, Component = component, Transport = transport, Priority = (uint)priority, Address = address,
            Port = port, Type = type, RelatedAddress = raddr, RelatedPort = rport, Extensions = ext,
        };

    public static Gen<SdesKeyParameters> Key(string suite) =>
        from key in Bytes(SdesCryptoSuites.KeySaltLength(suite) ?? 30)
        from lifetime in Maybe(Gen.Elements("2^31", "2^48", "1048576"))
        from mki in MaybeInt(0, 1000)
        from mkiLength in Gen.Choose(1, 4)
        select new SdesKeyParameters { KeySalt = key, Lifetime = lifetime, Mki = (ulong?)mki, MkiLength = mki is null ? null : mkiLength };

    public static Gen<List<SdesCrypto>> CryptoLines =>
        from suites in UpTo(3, Gen.Elements(SdesCryptoSuites.AesCm128HmacSha1Tag80, SdesCryptoSuites.AesCm128HmacSha1Tag32,
            SdesCryptoSuites.AeadAes128Gcm, SdesCryptoSuites.AeadAes256Gcm, SdesCryptoSuites.Aes256CmHmacSha1Tag80))
        from keys in Gen.CollectToList(suites, s => Gen.ListOf(Key(s), 1).Select(k => k.ToList()))
        from sessionParams in Gen.ListOf(UpTo(2, Gen.Elements("KDR=1", "UNENCRYPTED_SRTCP", "WSH=128")), suites.Count)
        select suites.Select((s, i) => new SdesCrypto { Tag = i + 1, Suite = s, Keys = keys[i], SessionParameters = sessionParams.ElementAt(i) }).ToList();

    public static Gen<Fingerprint> FingerprintGen =>
        from kind in Gen.Elements(("sha-256", 32), ("sha-1", 20), ("sha-512", 64))
        from value in Bytes(kind.Item2)
        select new Fingerprint { HashFunction = kind.Item1, Value = value };

    private static readonly (string Name, uint Rate, int? Channels, int Pt)[] Codecs =
    [
        ("opus", 48000, 2, 111), ("PCMU", 8000, null, 0), ("PCMA", 8000, null, 8), ("G722", 8000, null, 9),
        ("telephone-event", 8000, null, 101), ("telephone-event", 48000, null, 110), ("CN", 8000, null, 13),
    ];

    public static Gen<Fmtp?> FmtpFor(int pt, string codec) => codec switch
    {
        "opus" => from maxRate in MaybeInt(8000, 48000)
                  from avg in MaybeInt(6000, 510000)
                  from stereo in Gen.Elements<bool?>(null, true, false)
                  from fec in Gen.Elements<bool?>(null, true, false)
                  from dtx in Gen.Elements<bool?>(null, true, false)
                  from cbr in Gen.Elements<bool?>(null, true, false)
                  from minptime in MaybeInt(3, 120)
                  select new OpusParameters { MaxPlaybackRate = maxRate, SpropMaxCaptureRate = maxRate, MaxAverageBitrate = avg, Stereo = stereo, SpropStereo = stereo, Cbr = cbr, UseInbandFec = fec, UseDtx = dtx, MinPtime = minptime }.ToFmtp(pt),
        "telephone-event" => Gen.Elements<Fmtp?>(null, Fmtp.Create(pt, ("0-15", null)), Fmtp.Create(pt, ("0-16", null))),
        _ => Gen.Constant<Fmtp?>(null),
    };

    public static Gen<SdpAttributeLine> Unknown =>
        from name in Gen.Elements("mid", "label", "ssrc", "x-foo", "tool", "rtcp-fb", "extmap")
        from value in Maybe(from a in Word from b in Word select a + " " + b)
        select new SdpAttributeLine { Name = name, Value = value };

    public static Gen<MediaDescription> Media =>
        from kind in Gen.Elements("audio", "audio", "audio", "video")
        from port in Gen.Choose(0, 65535)
        from protocol in Gen.Elements(SdpProtocols.RtpAvp, SdpProtocols.RtpSavp, SdpProtocols.RtpSavpf, SdpProtocols.UdpTlsRtpSavp, SdpProtocols.UdpTlsRtpSavpf)
        from codecs in Gen.SubListOf(Codecs).Where(c => c.Count > 0)
        from rtpmapFlags in Gen.ListOf(Gen.Elements(true, true, false), codecs.Count)
        from fmtps in Gen.CollectToList(codecs, c => FmtpFor(c.Pt, c.Name))
        from connection in Maybe(Ipv4.Select(a => new ConnectionData { Address = a }))
        from ptime in MaybeInt(10, 120)
        from maxptime in MaybeInt(20, 120)
        from direction in Gen.Elements<MediaDirection?>(null, MediaDirection.SendRecv, MediaDirection.SendOnly, MediaDirection.RecvOnly, MediaDirection.Inactive)
        from rtcp in Maybe(from p in Gen.Choose(0, 65535) from a in Maybe(Ipv4) select new RtcpInfo { Port = p, NetworkType = a is null ? null : "IN", AddressType = a is null ? null : "IP4", Address = a })
        from mux in Gen.Elements(true, false)
        from ufrag in Maybe(Token(4, 12, IceChars))
        from pwd in Maybe(Token(22, 32, IceChars))
        from options in UpTo(2, Gen.Elements("trickle", "ice2"))
        from fingerprints in UpTo(2, FingerprintGen)
        from setup in Gen.Elements<DtlsSetupRole?>(null, DtlsSetupRole.ActPass, DtlsSetupRole.Active, DtlsSetupRole.Passive, DtlsSetupRole.HoldConn)
        from crypto in CryptoLines
        from e2e in MaybeInt(1, 3)
        from candidates in UpTo(4, Candidate)
        from remote in Maybe(Gen.Choose(1, 2).SelectMany(n => Gen.ListOf(from c in Gen.Choose(1, 2) from a in Ipv4 from p in Gen.Choose(0, 65535) select new RemoteCandidate { Component = c, Address = a, Port = p }, n).Select(l => l.ToList())))
        from eoc in Gen.Elements(true, false)
        from unknown in UpTo(3, Unknown)
        from bandwidth in UpTo(1, from t in Gen.Elements("AS", "TIAS") from v in Gen.Choose(1, 500000) select new Bandwidth { Type = t, Value = (ulong)v })
        select MakeMedia(kind, port, protocol, codecs.ToList(), rtpmapFlags.ToList(), fmtps, connection, ptime, maxptime, direction, rtcp, mux,
            (ufrag, pwd, options), fingerprints, setup, crypto, e2e, candidates, remote, eoc, unknown, bandwidth);

    public static Gen<SessionDescription> Session =>
        from id in Gen.Choose(0, int.MaxValue)
        from version in Gen.Choose(0, int.MaxValue)
        from user in Gen.Elements("-", "root", "alice")
        from name in Gen.Elements("-", "Talk", "VoipKit call", "Gespr\u00e4ch \u2013 \u00fc")
        from info in Maybe(Gen.Elements("A call", "x"))
        from address in Ipv4
        from iceLite in Gen.Elements(true, false)
        from ufrag in Maybe(Token(4, 12, IceChars))
        from pwd in Maybe(Token(22, 32, IceChars))
        from options in UpTo(2, Gen.Elements("trickle", "ice2"))
        from fingerprints in UpTo(1, FingerprintGen)
        from setup in Gen.Elements<DtlsSetupRole?>(null, DtlsSetupRole.ActPass, DtlsSetupRole.Active)
        from e2e in MaybeInt(1, 2)
        from direction in Gen.Elements<MediaDirection?>(null, MediaDirection.SendRecv, MediaDirection.SendOnly, MediaDirection.Inactive)
        from unknown in UpTo(2, Unknown)
        from media in UpTo(3, Media)
        select MakeSession(id, version, user, name, info, address, iceLite, (ufrag, pwd, options), fingerprints, setup, e2e, direction, unknown, media);

    private static SessionDescription MakeSession(int id, int version, string user, string name, string? info, string address, bool iceLite,
        (string? Ufrag, string? Pwd, List<string> Options) ice, List<Fingerprint> fingerprints, DtlsSetupRole? setup, int? e2e,
        MediaDirection? direction, List<SdpAttributeLine> unknown, List<MediaDescription> media)
    {
        var sdp = new SessionDescription
        {
            Origin = new Origin { UserName = user, SessionId = (ulong)id * 4_000_000_000UL, SessionVersion = (ulong)version, Address = address },
            SessionName = name,
            Information = info,
            Connection = new ConnectionData { Address = address },
            IceLite = iceLite,
            IceUfrag = ice.Ufrag,
            IcePwd = ice.Pwd,
            Setup = setup,
            EndToEndVersion = e2e,
            Direction = direction,
        };
        sdp.Timings.Add(new Timing());
        sdp.IceOptions.AddRange(ice.Options);
        sdp.Fingerprints.AddRange(fingerprints);
        sdp.Attributes.AddRange(unknown);
        sdp.Media.AddRange(media);
        return sdp;
    }

    private static MediaDescription MakeMedia(string kind, int port, string protocol, List<(string Name, uint Rate, int? Channels, int Pt)> codecs,
        List<bool> rtpmapFlags, List<Fmtp?> fmtps, ConnectionData? connection, int? ptime, int? maxptime, MediaDirection? direction,
        RtcpInfo? rtcp, bool mux, (string? Ufrag, string? Pwd, List<string> Options) ice, List<Fingerprint> fingerprints, DtlsSetupRole? setup,
        List<SdesCrypto> crypto, int? e2e, List<IceCandidate> candidates, List<RemoteCandidate>? remote, bool eoc,
        List<SdpAttributeLine> unknown, List<Bandwidth> bandwidth)
    {
        var m = new MediaDescription
        {
            Media = kind, Port = port, Protocol = protocol, Connection = connection, Ptime = ptime, MaxPtime = maxptime, Direction = direction,
            Rtcp = rtcp, RtcpMux = mux, IceUfrag = ice.Ufrag, IcePwd = ice.Pwd, Setup = setup, EndToEndVersion = e2e,
            RemoteCandidates = remote, EndOfCandidates = eoc,
        };
        for (var i = 0; i < codecs.Count; i++)
        {
            m.Formats.Add(codecs[i].Pt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (rtpmapFlags[i])
            {
                m.RtpMaps.Add(new RtpMap { PayloadType = codecs[i].Pt, EncodingName = codecs[i].Name, ClockRate = codecs[i].Rate, Channels = codecs[i].Channels });
            }
        }

        // The serializer writes each fmtp after its rtpmap, then fmtps of payload types without one: generate in that order.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < codecs.Count; i++)
            {
                if (fmtps[i] is { } f && rtpmapFlags[i] == (pass == 0))
                {
                    m.Fmtps.Add(f);
                }
            }
        }

        m.IceOptions.AddRange(ice.Options);
        m.Fingerprints.AddRange(fingerprints);
        m.Crypto.AddRange(crypto);
        m.Candidates.AddRange(candidates);
        m.Attributes.AddRange(unknown);
        m.Bandwidths.AddRange(bandwidth);
        return m;
    }
}
