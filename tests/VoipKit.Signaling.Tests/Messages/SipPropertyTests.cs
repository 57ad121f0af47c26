using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

public class SipPropertyTests
{
    private const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";

    // Text for user parts and display names: reserved characters, quotes, backslashes, non-ASCII, a NUL.
    private const string TextChars = "aZ09 @:;?&=+$,/%\"\\<>#[]{}|^`~!*'()-_.\u00e9\u00df\u4e2d\u0416\0";

    private static Gen<string> Token(int max) =>
        Gen.Choose(1, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(TokenChars.ToCharArray()), n)).Select(c => new string(c));

    private static Gen<string> Text(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(TextChars.ToCharArray()), n)).Select(c => new string(c));

    private static Gen<T[]> ArrayOf<T>(Gen<T> gen, int min, int max) => Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(gen, n));

    private static Gen<string> Host() => Gen.OneOf(
        Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Token(1, "abcdefghijklmnopqrstuvwxyz0123456789-"), n)).Select(l => string.Join('.', l) + ".example"),
        Gen.ArrayOf(Gen.Choose(0, 255), 4).Select(b => string.Join('.', b)),
        Gen.Choose(1, 0xffff).Select(x => "[2001:db8::" + x.ToString("x", CultureInfo.InvariantCulture) + "]"));

    private static Gen<string> Token(int max, string chars) =>
        Gen.Choose(1, max * 8).SelectMany(n => Gen.ArrayOf(Gen.Elements(chars.ToCharArray()), n)).Select(c => new string(c));

    private static Gen<SipParameter> UriParam() =>
        from name in Token(1, "abcdefghijklmnopqrstuvwxyz-")
        from value in Gen.OneOf(Gen.Constant<string?>(null), Token(2, "abcdefghijklmnopqrstuvwxyz0123456789").Select(v => (string?)v))
        select new SipParameter(name, value);

    private static Gen<SipUri> Uri() =>
        from host in Host()
        from user in Gen.OneOf(Gen.Constant<string?>(null), Text(12).Where(t => t.Length > 0).Select(t => (string?)t))
        from port in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 65535).Select(p => (int?)p))
        from parameters in ArrayOf(UriParam(), 0, 3)
        from secure in ArbMap.Default.GeneratorFor<bool>()
        select SipUri.Create(host, user, port, parameters, secure);

    private static Gen<string> NameAddr(bool withTag) =>
        from uri in Uri()
        from display in Gen.OneOf(Gen.Constant<string?>(null), Text(10).Select(t => (string?)SipNameAddress.Quote(t.Replace("\0", "", StringComparison.Ordinal))))
        from tag in Token(10)
        select new SipNameAddress(uri, display, withTag ? [new SipParameter("tag", tag)] : null).ToString();

    private static Gen<string> Via() =>
        from transport in Gen.Elements("UDP", "TCP", "TLS", "WSS")
        from host in Host()
        from port in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 65535).Select(p => (int?)p))
        from branch in Token(16)
        from rport in Gen.Elements<string?>(null, "", "5060")
        select new SipVia(transport, host, port, rport is null
            ? [new SipParameter("branch", "z9hG4bK" + branch)]
            : [new SipParameter("branch", "z9hG4bK" + branch), new SipParameter("rport", rport.Length == 0 ? null : rport)]).ToString();

    private static Gen<SipHeader> ExtraHeader() =>
        from name in Token(12)
        from value in Gen.OneOf(Token(20), Text(30).Select(t => t.Replace("\0", "", StringComparison.Ordinal)))
        select new SipHeader("X-" + name, value);

    private static Gen<SipMessage> Message() =>
        from isRequest in ArbMap.Default.GeneratorFor<bool>()
        from method in Gen.OneOf(Gen.Elements("INVITE", "ACK", "BYE", "REGISTER", "OPTIONS"), Token(10))
        from uri in Uri()
        from code in Gen.Choose(100, 699)
        from reason in Text(20).Select(t => t.Replace("\0", "", StringComparison.Ordinal))
        from vias in ArrayOf(Via(), 1, 3)
        from fromValue in NameAddr(true)
        from to in NameAddr(false)
        from callId in Token(20)
        from cseq in Gen.Choose(0, int.MaxValue)
        from maxForwards in Gen.Choose(0, 255)
        from extras in ArrayOf(ExtraHeader(), 0, 4)
        from body in ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 0, 200)
        select Build(isRequest, method, uri, code, reason, vias, fromValue, to, callId, cseq, maxForwards, extras, body);

    private static SipMessage Build(bool isRequest, string method, SipUri uri, int code, string reason, IEnumerable<string> vias, string from,
        string to, string callId, int cseq, int maxForwards, IEnumerable<SipHeader> extras, byte[] body)
    {
        var headers = new List<SipHeader>();
        headers.AddRange(vias.Select(v => new SipHeader("Via", v)));
        headers.Add(new SipHeader("f", from));
        headers.Add(new SipHeader("To", to));
        headers.Add(new SipHeader("Call-ID", callId + "@h"));
        headers.Add(new SipHeader("CSeq", cseq.ToString(CultureInfo.InvariantCulture) + " " + method));
        headers.Add(new SipHeader("Max-Forwards", maxForwards.ToString(CultureInfo.InvariantCulture)));
        headers.AddRange(extras);
        headers.Add(new SipHeader("Content-Type", "application/octet-stream"));
        return isRequest ? new SipRequest(method, uri, headers, body) : new SipResponse(code, reason, headers, body);
    }

    [Property(MaxTest = 300)]
    public Property Messages_round_trip() => Prop.ForAll(Message().ToArbitrary(), m =>
    {
        byte[] bytes = m.ToArray();
        SipMessage datagram = SipMessage.Parse(bytes);
        SipMessage stream = SipMessage.Parse(bytes, SipParseOptions.Stream);
        return datagram.Equals(m) && stream.Equals(m) && datagram.ToArray().AsSpan().SequenceEqual(bytes)
            && datagram.Via.Count == m.Via.Count && datagram.CSeq == m.CSeq && datagram.From!.Tag == m.From!.Tag;
    });

    [Property(MaxTest = 300)]
    public Property Uris_round_trip_with_escaping() => Prop.ForAll(Uri().ToArbitrary(), Text(16).ToArbitrary(), (uri, user) =>
    {
        SipUri parsed = SipUri.Parse(uri.ToString());
        SipUri withUser = SipUri.Create("example.com", user.Length == 0 ? "u" : user);
        return parsed.Equals(uri) && parsed.ToString() == uri.ToString()
            && SipUri.Parse(withUser.ToString()).UnescapedUser == (user.Length == 0 ? "u" : user);
    });

    [Property(MaxTest = 200)]
    public Property Multipart_bodies_round_trip()
    {
        Gen<SipBodyPart> part =
            from type in Token(8)
            from subtype in Token(8)
            from disposition in Gen.Elements<string?>(null, "session", "render;handling=optional")
            from content in ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 0, 300)
            select new SipBodyPart(type + "/" + subtype, content, disposition);
        return Prop.ForAll(ArrayOf(part, 1, 5).ToArbitrary(), parts =>
        {
            var body = new SipMultipartBody(SipMultipartBody.NewBoundary(), [.. parts]);
            SipMultipartBody parsed = SipMultipartBody.Parse(body.ToArray(), body.Boundary);
            return parsed.Parts.Count == body.Parts.Count
                && parsed.Parts.Zip(body.Parts).All(p =>
                    p.First.Content.Span.SequenceEqual(p.Second.Content.Span) && p.First.Headers.SequenceEqual(p.Second.Headers));
        });
    }

    [Property(MaxTest = 500)]
    public bool Mutated_messages_never_fail_untyped(PositiveInt position, byte value, PositiveInt cut)
    {
        byte[] data = SipSamples.Invite;
        data[position.Get % data.Length] = value;
        SipFuzzRoundTrip.Run(data);
        SipFuzzRoundTrip.Run(data.AsSpan(0, cut.Get % data.Length));
        return true;
    }

    private static readonly byte[][] s_corpus = [.. Directory.GetFiles(SipTortureTests.Dir, "*.dat").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    [Property(MaxTest = 1000)]
    public bool Mutated_torture_messages_never_fail_untyped(PositiveInt file, PositiveInt position, byte value, byte op)
    {
        byte[] original = s_corpus[file.Get % s_corpus.Length];
        int at = position.Get % original.Length;
        byte[] data = (op % 3) switch
        {
            0 => [.. original[..at], value, .. original[(at + 1)..]],
            1 => [.. original[..at], value, .. original[at..]],
            _ => [.. original[..at], .. original[(at + 1)..]],
        };
        SipFuzzRoundTrip.Run(data);
        return true;
    }

    [Property(MaxTest = 300)]
    public bool Garbage_never_fails_untyped(byte[] tail, bool sipPrefix)
    {
        byte[] data = sipPrefix ? [.. Encoding.ASCII.GetBytes("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n"), .. tail] : tail;
        SipFuzzRoundTrip.Run(data);
        return true;
    }
}
