using System.Text.Unicode;

namespace VoipKit.Signaling.Sdp;

/// <summary>The SDP parser: UTF-8 bytes to <see cref="SessionDescription"/>. See <see cref="SessionDescription"/> for the rules.</summary>
internal static class SdpParser
{
    public static SessionDescription Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > SessionDescription.MaxBytes)
        {
            throw new SdpParseException(0, $"description longer than {SessionDescription.MaxBytes} bytes");
        }

        if (!Utf8.IsValid(data))
        {
            throw new SdpParseException(0, "description is not valid UTF-8");
        }

        var sdp = new SessionDescription();
        MediaDescription? media = null;
        var lineNumber = 0;
        var seenVersion = false;
        var seen = new SdpSeenLines();
        while (!data.IsEmpty)
        {
            var lf = data.IndexOf((byte)'\n');
            var line = lf < 0 ? data : data[..lf];
            data = lf < 0 ? default : data[(lf + 1)..];
            if (++lineNumber > SessionDescription.MaxLines)
            {
                throw new SdpParseException(lineNumber, $"more than {SessionDescription.MaxLines} lines");
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // Lenient: trailing blanks and empty lines are common in hand-written and PBX SDP.
            line = line.TrimEnd(" \t"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.IndexOfAny((byte)'\r', (byte)'\0') >= 0)
            {
                throw new SdpParseException(lineNumber, "CR or NUL inside a line");
            }

            if (line.Length < 2 || line[1] != (byte)'=' || line[0] is < (byte)'a' or > (byte)'z')
            {
                throw new SdpParseException(lineNumber, "expected '<type>=<value>'");
            }

            var type = (char)line[0];
            var value = line[2..];
            if (!seenVersion)
            {
                if (type != 'v')
                {
                    throw new SdpParseException(lineNumber, "a description must start with v=");
                }

                if (!value.SequenceEqual("0"u8))
                {
                    throw new SdpParseException(lineNumber, "unsupported SDP version (only v=0)");
                }

                seenVersion = true;
                continue;
            }

            if (type == 'm')
            {
                media = ParseMediaLine(value, lineNumber);
                sdp.Media.Add(media);
                continue;
            }

            if (media is null)
            {
                ParseSessionLine(sdp, type, value, lineNumber, seen);
            }
            else
            {
                ParseMediaLevelLine(media, type, value, lineNumber);
            }
        }

        if (!seenVersion)
        {
            throw new SdpParseException(0, "empty description (no v= line)");
        }

        if (!seen.Contains('o'))
        {
            throw new SdpParseException(0, "missing o= line");
        }

        if (!seen.Contains('s'))
        {
            throw new SdpParseException(0, "missing s= line");
        }

        if (sdp.Timings.Count == 0)
        {
            throw new SdpParseException(0, "missing t= line");
        }

        for (var i = 0; i < sdp.Media.Count; i++)
        {
            var m = sdp.Media[i];

            // RFC 8866 requires c= for every stream; rejected streams (port 0) without one are tolerated.
            if (m.Connection is null && sdp.Connection is null && m.Port != 0)
            {
                throw new SdpParseException(0, $"media description {i + 1} has no connection address at either level");
            }
        }

        return sdp;
    }

    private static void ParseSessionLine(SessionDescription sdp, char type, ReadOnlySpan<byte> value, int line, SdpSeenLines seen)
    {
        if (type is 'o' or 's' or 'i' or 'u' or 'c' or 'z' or 'k' && !seen.Add(type))
        {
            throw new SdpParseException(line, $"more than one {type}= line at session level");
        }

        if (type is 't')
        {
            seen.Add('t');
        }

        switch (type)
        {
            case 'o':
                sdp.Origin = ParseOrigin(value, line);
                break;
            case 's':
                sdp.SessionName = SdpText.Str(value);
                break;
            case 'i':
                sdp.Information = SdpText.Str(value);
                break;
            case 'u':
                sdp.Uri = SdpText.Str(value);
                break;
            case 'e':
                sdp.Emails.Add(SdpText.Str(value));
                break;
            case 'p':
                sdp.Phones.Add(SdpText.Str(value));
                break;
            case 'c':
                sdp.Connection = ParseConnection(value, line);
                break;
            case 'b':
                sdp.Bandwidths.Add(ParseBandwidth(value, line));
                break;
            case 't':
                sdp.Timings.Add(ParseTiming(value, line));
                break;
            case 'r':
                if (sdp.Timings.Count == 0)
                {
                    throw new SdpParseException(line, "r= line before any t= line");
                }

                var last = sdp.Timings[^1];
                sdp.Timings[^1] = last with { Repeats = [.. last.Repeats, SdpText.Str(value)] };
                break;
            case 'z':
                sdp.TimeZones = SdpText.Str(value);
                break;
            case 'k':
                sdp.EncryptionKey = SdpText.Str(value);
                break;
            case 'a':
                ParseSessionAttribute(sdp, value, line);
                break;
            default:
                throw new SdpParseException(line, $"unknown or misplaced line type '{type}'");
        }
    }

    private static void ParseMediaLevelLine(MediaDescription m, char type, ReadOnlySpan<byte> value, int line)
    {
        switch (type)
        {
            case 'i':
                m.Information = m.Information is null ? SdpText.Str(value) : throw new SdpParseException(line, "more than one i= line in a media description");
                break;
            case 'c':
                // Several c= lines (layered multicast) are not something a call uses.
                m.Connection = m.Connection is null ? ParseConnection(value, line) : throw new SdpParseException(line, "more than one c= line in a media description");
                break;
            case 'b':
                m.Bandwidths.Add(ParseBandwidth(value, line));
                break;
            case 'k':
                m.EncryptionKey = m.EncryptionKey is null ? SdpText.Str(value) : throw new SdpParseException(line, "more than one k= line in a media description");
                break;
            case 'a':
                ParseMediaAttribute(m, value, line);
                break;
            default:
                throw new SdpParseException(line, $"unknown or misplaced line type '{type}' in a media description");
        }
    }

    private static Origin ParseOrigin(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var user = SdpText.RequiredToken(ref rest, line, "origin user name");
        var id = SdpText.ULong(SdpText.RequiredToken(ref rest, line, "origin session id"), line, "origin session id");
        var version = SdpText.ULong(SdpText.RequiredToken(ref rest, line, "origin session version"), line, "origin session version");
        var net = SdpText.RequiredToken(ref rest, line, "origin network type");
        var addrType = SdpText.RequiredToken(ref rest, line, "origin address type");
        var address = SdpText.RequiredToken(ref rest, line, "origin address");
        SdpText.End(rest, line, "o= line");
        return new Origin
        {
            UserName = SdpText.Str(user),
            SessionId = id,
            SessionVersion = version,
            NetworkType = SdpText.Str(net),
            AddressType = SdpText.Str(addrType),
            Address = SdpText.Str(address),
        };
    }

    private static ConnectionData ParseConnection(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var net = SdpText.RequiredToken(ref rest, line, "connection network type");
        var addrType = SdpText.RequiredToken(ref rest, line, "connection address type");
        var address = SdpText.RequiredToken(ref rest, line, "connection address");
        SdpText.End(rest, line, "c= line");
        return new ConnectionData { NetworkType = SdpText.Str(net), AddressType = SdpText.Str(addrType), Address = SdpText.Str(address) };
    }

    private static Bandwidth ParseBandwidth(ReadOnlySpan<byte> value, int line)
    {
        var colon = value.IndexOf((byte)':');
        if (colon <= 0 || value[..colon].IndexOf((byte)' ') >= 0)
        {
            throw new SdpParseException(line, "b= line must be <type>:<value>");
        }

        return new Bandwidth { Type = SdpText.Str(value[..colon]), Value = SdpText.ULong(value[(colon + 1)..], line, "bandwidth") };
    }

    private static Timing ParseTiming(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var start = SdpText.ULong(SdpText.RequiredToken(ref rest, line, "start time"), line, "start time");
        var stop = SdpText.ULong(SdpText.RequiredToken(ref rest, line, "stop time"), line, "stop time");
        SdpText.End(rest, line, "t= line");
        return new Timing { Start = start, Stop = stop };
    }

    private static MediaDescription ParseMediaLine(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var media = new MediaDescription { Media = SdpText.Str(SdpText.RequiredToken(ref rest, line, "media type")) };
        var portToken = SdpText.RequiredToken(ref rest, line, "media port");
        var slash = portToken.IndexOf((byte)'/');
        media.Port = SdpText.Int(slash < 0 ? portToken : portToken[..slash], 0, 65535, line, "media port");
        if (slash >= 0)
        {
            media.PortCount = SdpText.Int(portToken[(slash + 1)..], 1, 65535, line, "media port count");
        }

        media.Protocol = SdpText.Str(SdpText.RequiredToken(ref rest, line, "media protocol"));
        var rtp = media.IsRtp;
        while (true)
        {
            var fmt = SdpText.NextToken(ref rest);
            if (fmt.IsEmpty)
            {
                break;
            }

            media.Formats.Add(rtp
                ? SdpText.Int(fmt, 0, 127, line, "payload type").ToString(System.Globalization.CultureInfo.InvariantCulture)
                : SdpText.Str(fmt));
        }

        // RFC 8866 requires a format; tolerated on rejected streams, which some peers write bare.
        if (media.Formats.Count == 0 && media.Port != 0)
        {
            throw new SdpParseException(line, "m= line without formats");
        }

        return media;
    }

    private static void ParseSessionAttribute(SessionDescription sdp, ReadOnlySpan<byte> value, int line)
    {
        Split(value, out var name, out var attrValue, out var hasValue);
        if (name.SequenceEqual("ice-lite"u8))
        {
            NoValue(hasValue, line, "ice-lite");
            sdp.IceLite = !sdp.IceLite ? true : throw Duplicate(line, "ice-lite");
        }
        else if (ParseDirection(name) is MediaDirection d)
        {
            NoValue(hasValue, line, "a direction attribute");
            sdp.Direction = sdp.Direction is null ? d : throw Duplicate(line, "direction");
        }
        else if (!TryParseSecurityAttribute(sdp, name, attrValue, hasValue, line))
        {
            sdp.Attributes.Add(Verbatim(name, attrValue, hasValue, line));
        }
    }

    private static void ParseMediaAttribute(MediaDescription m, ReadOnlySpan<byte> value, int line)
    {
        Split(value, out var name, out var v, out var hasValue);
        if (name.SequenceEqual("rtpmap"u8) && m.IsRtp)
        {
            var map = ParseRtpMap(Required(v, hasValue, line, "rtpmap"), line);
            m.RtpMaps.Add(m.FindRtpMap(map.PayloadType) is null ? map : throw Duplicate(line, "rtpmap for this payload type"));
        }
        else if (name.SequenceEqual("fmtp"u8) && m.IsRtp)
        {
            m.Fmtps.Add(ParseFmtp(Required(v, hasValue, line, "fmtp"), line));
        }
        else if (name.SequenceEqual("candidate"u8))
        {
            m.Candidates.Add(IceCandidate.Parse(Required(v, hasValue, line, "candidate"), line));
        }
        else if (name.SequenceEqual("crypto"u8))
        {
            var crypto = SdesCrypto.Parse(Required(v, hasValue, line, "crypto"), line);
            if (m.Crypto.Exists(c => c.Tag == crypto.Tag))
            {
                throw Duplicate(line, "crypto tag");
            }

            m.Crypto.Add(crypto);
        }
        else if (ParseDirection(name) is MediaDirection d)
        {
            NoValue(hasValue, line, "a direction attribute");
            m.Direction = m.Direction is null ? d : throw Duplicate(line, "direction");
        }
        else if (name.SequenceEqual("ptime"u8))
        {
            m.Ptime = m.Ptime is null ? SdpText.Int(Required(v, hasValue, line, "ptime"), 1, 10000, line, "ptime") : throw Duplicate(line, "ptime");
        }
        else if (name.SequenceEqual("maxptime"u8))
        {
            m.MaxPtime = m.MaxPtime is null ? SdpText.Int(Required(v, hasValue, line, "maxptime"), 1, 10000, line, "maxptime") : throw Duplicate(line, "maxptime");
        }
        else if (name.SequenceEqual("rtcp-mux"u8))
        {
            NoValue(hasValue, line, "rtcp-mux");
            m.RtcpMux = !m.RtcpMux ? true : throw Duplicate(line, "rtcp-mux");
        }
        else if (name.SequenceEqual("rtcp"u8))
        {
            m.Rtcp = m.Rtcp is null ? ParseRtcp(Required(v, hasValue, line, "rtcp"), line) : throw Duplicate(line, "rtcp");
        }
        else if (name.SequenceEqual("end-of-candidates"u8))
        {
            NoValue(hasValue, line, "end-of-candidates");
            m.EndOfCandidates = !m.EndOfCandidates ? true : throw Duplicate(line, "end-of-candidates");
        }
        else if (name.SequenceEqual("remote-candidates"u8))
        {
            m.RemoteCandidates = m.RemoteCandidates is null ? ParseRemoteCandidates(Required(v, hasValue, line, "remote-candidates"), line) : throw Duplicate(line, "remote-candidates");
        }
        else if (!TryParseSecurityAttribute(m, name, v, hasValue, line))
        {
            m.Attributes.Add(Verbatim(name, v, hasValue, line));
        }
    }

    // ICE, DTLS and end-to-end attributes, the same at session and media level.
    private static bool TryParseSecurityAttribute(ISdpSecurityAttributes target, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool hasValue, int line)
    {
        if (name.SequenceEqual("ice-ufrag"u8))
        {
            target.IceUfrag = target.IceUfrag is null ? IceCredential(value, hasValue, 4, line, "ice-ufrag") : throw Duplicate(line, "ice-ufrag");
            return true;
        }

        if (name.SequenceEqual("ice-pwd"u8))
        {
            target.IcePwd = target.IcePwd is null ? IceCredential(value, hasValue, 22, line, "ice-pwd") : throw Duplicate(line, "ice-pwd");
            return true;
        }

        if (name.SequenceEqual("ice-options"u8))
        {
            IceOptions(target.IceOptions, value, hasValue, line);
            return true;
        }

        if (name.SequenceEqual("fingerprint"u8))
        {
            target.Fingerprints.Add(Fingerprint.Parse(Required(value, hasValue, line, "fingerprint"), line));
            return true;
        }

        if (name.SequenceEqual("setup"u8))
        {
            target.Setup = target.Setup is null ? ParseSetup(Required(value, hasValue, line, "setup"), line) : throw Duplicate(line, "setup");
            return true;
        }

        if (name.SequenceEqual("x-voipkit-e2e"u8))
        {
            target.EndToEndVersion = target.EndToEndVersion is null
                ? SdpText.Int(Required(value, hasValue, line, "x-voipkit-e2e"), 1, 255, line, "x-voipkit-e2e version")
                : throw Duplicate(line, "x-voipkit-e2e");
            return true;
        }

        return false;
    }

    private static void Split(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> attrValue, out bool hasValue)
    {
        var colon = value.IndexOf((byte)':');
        hasValue = colon >= 0;
        name = hasValue ? value[..colon] : value;
        attrValue = hasValue ? value[(colon + 1)..] : default;
    }

    private static SdpAttributeLine Verbatim(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool hasValue, int line)
    {
        if (name.IsEmpty || name.IndexOf((byte)' ') >= 0)
        {
            throw new SdpParseException(line, "attribute name is empty or contains a space");
        }

        return new SdpAttributeLine { Name = SdpText.Str(name), Value = hasValue ? SdpText.Str(value) : null };
    }

    private static ReadOnlySpan<byte> Required(ReadOnlySpan<byte> value, bool hasValue, int line, string what) =>
        hasValue && !value.TrimStart((byte)' ').IsEmpty ? value : throw new SdpParseException(line, $"a={what} needs a value");

    private static void NoValue(bool hasValue, int line, string what)
    {
        if (hasValue)
        {
            throw new SdpParseException(line, $"{what} takes no value");
        }
    }

    private static SdpParseException Duplicate(int line, string what) => new(line, $"duplicate {what}");

    private static MediaDirection? ParseDirection(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("sendrecv"u8) ? MediaDirection.SendRecv
        : name.SequenceEqual("sendonly"u8) ? MediaDirection.SendOnly
        : name.SequenceEqual("recvonly"u8) ? MediaDirection.RecvOnly
        : name.SequenceEqual("inactive"u8) ? MediaDirection.Inactive
        : null;

    private static DtlsSetupRole ParseSetup(ReadOnlySpan<byte> value, int line) =>
        value.SequenceEqual("actpass"u8) ? DtlsSetupRole.ActPass
        : value.SequenceEqual("active"u8) ? DtlsSetupRole.Active
        : value.SequenceEqual("passive"u8) ? DtlsSetupRole.Passive
        : value.SequenceEqual("holdconn"u8) ? DtlsSetupRole.HoldConn
        : throw new SdpParseException(line, "setup must be actpass, active, passive or holdconn");

    private static string IceCredential(ReadOnlySpan<byte> value, bool hasValue, int minLength, int line, string what)
    {
        var v = Required(value, hasValue, line, what);
        if (v.Length < minLength || v.Length > 256 || !IceCandidate.IsIceChars(v))
        {
            throw new SdpParseException(line, $"{what} must be {minLength}-256 ice-chars");
        }

        return SdpText.Str(v);
    }

    private static void IceOptions(List<string> options, ReadOnlySpan<byte> value, bool hasValue, int line)
    {
        var rest = Required(value, hasValue, line, "ice-options");
        while (true)
        {
            var token = SdpText.NextToken(ref rest);
            if (token.IsEmpty)
            {
                break;
            }

            options.Add(SdpText.Str(token));
        }
    }

    private static RtpMap ParseRtpMap(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var pt = SdpText.Int(SdpText.RequiredToken(ref rest, line, "rtpmap payload type"), 0, 127, line, "rtpmap payload type");
        var encoding = SdpText.RequiredToken(ref rest, line, "rtpmap encoding");
        SdpText.End(rest, line, "rtpmap");
        var slash = encoding.IndexOf((byte)'/');
        if (slash <= 0)
        {
            throw new SdpParseException(line, "rtpmap must be <name>/<clock rate>[/<channels>]");
        }

        var name = encoding[..slash];
        var tail = encoding[(slash + 1)..];
        var slash2 = tail.IndexOf((byte)'/');
        var rate = SdpText.ULong(slash2 < 0 ? tail : tail[..slash2], line, "rtpmap clock rate");
        if (rate is 0 or > uint.MaxValue)
        {
            throw new SdpParseException(line, "rtpmap clock rate out of range");
        }

        int? channels = slash2 < 0 ? null : SdpText.Int(tail[(slash2 + 1)..], 1, 255, line, "rtpmap channels");
        return new RtpMap { PayloadType = pt, EncodingName = SdpText.Str(name), ClockRate = (uint)rate, Channels = channels };
    }

    private static Fmtp ParseFmtp(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var pt = SdpText.Int(SdpText.RequiredToken(ref rest, line, "fmtp payload type"), 0, 127, line, "fmtp payload type");
        var parameters = new List<FmtpParameter>();
        while (!rest.IsEmpty)
        {
            var semi = rest.IndexOf((byte)';');
            var part = (semi < 0 ? rest : rest[..semi]).Trim(" \t"u8);
            rest = semi < 0 ? default : rest[(semi + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf((byte)'=');
            parameters.Add(eq < 0
                ? new FmtpParameter { Name = SdpText.Str(part) }
                : new FmtpParameter { Name = SdpText.Str(part[..eq].TrimEnd(" \t"u8)), Value = SdpText.Str(part[(eq + 1)..].TrimStart(" \t"u8)) });
        }

        return new Fmtp { PayloadType = pt, Parameters = parameters };
    }

    private static RtcpInfo ParseRtcp(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var port = SdpText.Int(SdpText.RequiredToken(ref rest, line, "rtcp port"), 0, 65535, line, "rtcp port");
        var net = SdpText.NextToken(ref rest);
        if (net.IsEmpty)
        {
            return new RtcpInfo { Port = port };
        }

        var addrType = SdpText.RequiredToken(ref rest, line, "rtcp address type");
        var address = SdpText.RequiredToken(ref rest, line, "rtcp address");
        SdpText.End(rest, line, "rtcp");
        return new RtcpInfo { Port = port, NetworkType = SdpText.Str(net), AddressType = SdpText.Str(addrType), Address = SdpText.Str(address) };
    }

    private static List<RemoteCandidate> ParseRemoteCandidates(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var list = new List<RemoteCandidate>();
        while (true)
        {
            var component = SdpText.NextToken(ref rest);
            if (component.IsEmpty)
            {
                break;
            }

            var address = SdpText.RequiredToken(ref rest, line, "remote candidate address");
            var port = SdpText.RequiredToken(ref rest, line, "remote candidate port");
            list.Add(new RemoteCandidate
            {
                Component = SdpText.Int(component, 1, 256, line, "remote candidate component"),
                Address = SdpText.Str(address),
                Port = SdpText.Int(port, 0, 65535, line, "remote candidate port"),
            });
        }

        return list;
    }
}
