using System.Text;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Messages;

/// <summary>
/// RFC 4475 torture messages (files in Torture/). The parser's job is syntax plus the checks a server needs before it
/// can process a request at all (mandatory fields present and single, CSeq method matching, Content-Length framing).
/// Semantic checks that depend on policy (unknown schemes, unsupported extensions, Date time zones) are left to the
/// layers above, so those messages parse; each decision is noted next to the message.
/// </summary>
public class SipTortureTests
{
    public static TheoryData<string> ValidMessages() =>
    [
        // 3.1.1 valid messages
        "wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq", "semiuri", "transports", "mpart01",
        "unreason", "noreason",

        // 3.2 transaction layer: badbranch is syntactically valid (branch "z9hG4bK" with nothing after it).
        "badbranch",

        // 3.3 application layer, syntactically valid: the application decides (416 for an unknown scheme, 420 for
        // bext01's Require, 415 for invut's body, 483 for zeromf, Authorization with an unknown scheme kept raw...).
        "unkscm", "novelsc", "unksm2", "bext01", "invut", "regaut01", "regescrt", "sdp01", "bcast", "zeromf", "cparam01",
        "cparam02",

        // 3.4 backward compatibility: an RFC 2543 INVITE (no branch cookie, no Max-Forwards, no Content-Length on UDP).
        "inv2543",

        // 3.1.2.12: Date is not interpreted by the stack, so a non-GMT zone is not a parse error (the RFC allows this).
        "baddate",
    ];

    public static TheoryData<string, SipParseError, bool> InvalidMessages() => new()
    {
        // name, error, whether a 400 (or 505) can be built from the readable Via/From/To/Call-ID/CSeq
        { "badinv01", SipParseError.BadHeaderValue, false },          // empty Via parameters: no usable Via to answer to
        { "clerr", SipParseError.BodyTooShort, true },                // Content-Length 9999 on a datagram
        { "ncl", SipParseError.BadContentLength, true },              // Content-Length -999
        { "scalar02", SipParseError.BadHeaderValue, true },           // CSeq >= 2^31 (also Max-Forwards 300, huge Expires)
        { "scalarlg", SipParseError.BadHeaderValue, false },          // a response with an oversized CSeq: dropped
        { "quotbal", SipParseError.BadHeaderValue, true },            // unterminated quote in To
        { "ltgtruri", SipParseError.BadUri, true },                   // <sip:...> as Request-URI
        { "lwsruri", SipParseError.BadStartLine, true },              // whitespace inside the Request-URI
        { "lwsstart", SipParseError.BadStartLine, true },             // two spaces between request-line elements
        { "trws", SipParseError.BadStartLine, true },                 // trailing spaces after SIP/2.0
        { "escruri", SipParseError.BadUri, true },                    // URI headers in the Request-URI
        { "regbadct", SipParseError.BadHeaderValue, true },           // addr-spec with '?' not in angle brackets
        { "badaspec", SipParseError.BadHeaderValue, true },           // spaces inside <...> in To
        { "baddn", SipParseError.BadHeaderValue, true },              // unquoted display name with a comma
        { "badvers", SipParseError.UnsupportedVersion, true },        // SIP/7.0: answer 505
        { "mismatch01", SipParseError.MethodMismatch, true },         // OPTIONS with CSeq INVITE
        { "mismatch02", SipParseError.MethodMismatch, true },         // RFC prefers 501; a parser reports the mismatch
        { "bigcode", SipParseError.BadStatusCode, false },            // status 4294967301: dropped
        { "insuf", SipParseError.MissingHeader, false },              // no From, To, Call-ID: nothing to answer with
        { "multi01", SipParseError.DuplicateHeader, false },          // two CSeq/Call-ID/From/To: ambiguous, not answerable
        { "mcl01", SipParseError.BadContentLength, true },            // two different Content-Length values
    };

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Valid_messages_parse_and_round_trip(string name)
    {
        SipMessage message = SipMessage.Parse(Load(name));
        byte[] serialized = message.ToArray();
        SipMessage again = SipMessage.Parse(serialized);
        Assert.Equal(message, again);
        Assert.Equal(serialized, again.ToArray());
        _ = message.Via;
        _ = message.Contacts;
        _ = message.Routes;
        _ = message.RecordRoutes;
    }

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public void Invalid_messages_are_rejected_with_a_clear_error(string name, SipParseError error, bool canRespond)
    {
        Assert.False(SipMessage.TryParse(Load(name), out _, out SipParseException? e));
        Assert.Equal(error, e.Error);
        Assert.Equal(canRespond, e.CanRespond);
        if (canRespond)
        {
            SipResponse response = SipResponse.ForRejectedRequest(e);
            Assert.Equal(error == SipParseError.UnsupportedVersion ? 505 : 400, response.StatusCode);
            Assert.NotEmpty(response.Via);
            Assert.NotNull(response.CallId);
        }
    }

    [Fact]
    public void Wsinv_values()
    {
        var m = Assert.IsType<SipRequest>(SipMessage.Parse(Load("wsinv")));
        Assert.Equal("sip:vivekg@chair-dnrc.example.com;unknownparam", m.RequestUri.ToString());
        Assert.True(m.RequestUri.HasParameter("unknownparam"));
        Assert.Equal("1918181833n", m.To!.Tag);
        Assert.Equal("sip:vivekg@chair-dnrc.example.com", m.To.Uri.ToString());
        Assert.Equal("\"J Rosenberg \\\\\\\"\"", m.From!.DisplayName);
        Assert.Equal("J Rosenberg \\\"", m.From.UnquotedDisplayName);
        Assert.Equal("98asjd8", m.From.Tag);
        Assert.Equal(68, m.MaxForwards);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", m.CallId);
        Assert.Equal(new SipCSeq(9, "INVITE"), m.CSeq);
        Assert.Equal(150, m.Body.Length);
        Assert.Equal(["192.0.2.2", "spindle.example.com", "192.168.255.111"], m.Via.Select(v => v.Host));
        Assert.Equal(["UDP", "TCP", "UDP"], m.Via.Select(v => v.Transport));
        Assert.Equal(["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"], m.Via.Select(v => v.Branch));
        Assert.Equal("", m.GetHeader("Subject"));
        Assert.Equal("newfangled value continued newfangled value", m.GetHeader("NewFangledHeader"));
        Assert.Equal(";;,,;;,;", m.GetHeader("UnknownHeaderWithUnusualValue"));
        Assert.True(m.ContentType!.Is("application", "sdp"));
        SipNameAddress route = Assert.Single(m.Routes);
        Assert.True(route.Uri.HasParameter("lr"));
        Assert.Equal("value", route.Uri.GetParameter("unknownwith"));
        SipNameAddress contact = Assert.Single(m.Contacts);
        Assert.Equal("Quoted string \"\"", contact.UnquotedDisplayName);
        Assert.Equal("newvalue", contact.GetParameter("newparam"));
        Assert.Contains(contact.Parameters, p => p.Name == "secondparam" && p.Value is null);
        Assert.Equal("0.33", contact.GetParameter("q"));
    }

    [Fact]
    public void Intmeth_values()
    {
        var m = Assert.IsType<SipRequest>(SipMessage.Parse(Load("intmeth")));
        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", m.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.RequestUri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", m.RequestUri.Password);
        Assert.Equal("example.com", m.RequestUri.Host);
        Assert.Equal("\"BEL:\\\u0007 NUL:\\\0 DEL:\\\u007f\"", m.To!.DisplayName);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.To.Uri.User);
        Assert.Equal("token1~` token2'+_ token3*%!.-", m.From!.DisplayName);
        Assert.Equal("\"работающий\"", m.From.GetParameter("fromParam''~+*_!.-%"));
        Assert.Equal("_token~1'+`*%!-.", m.From.Tag);
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", m.CallId);
        Assert.Equal(new SipCSeq(139122385, "!interesting-Method0123456789_*+`.%indeed'~"), m.CSeq);
        Assert.Equal(255, m.MaxForwards);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", Assert.Single(m.Via).Branch);
        Assert.Equal("\ufeff大停電", m.GetHeader("extensionHeader-!.%*+_`'~"));
    }

    [Fact]
    public void Escaping_values()
    {
        var esc01 = Assert.IsType<SipRequest>(SipMessage.Parse(Load("esc01")));
        Assert.Equal("sips%3Auser%40example.com", esc01.RequestUri.User);
        Assert.Equal("sips:user@example.com", esc01.RequestUri.UnescapedUser);
        Assert.Equal("user", esc01.To!.Uri.UnescapedUser);
        Assert.Equal("I have spaces", esc01.From!.Uri.UnescapedUser);
        SipUri contact = Assert.Single(esc01.Contacts).Uri;
        Assert.Equal("caller", contact.UnescapedUser);
        Assert.Equal([new SipParameter("%6C%72", null), new SipParameter("n%61me", "v%61lue%25%34%31")], contact.Parameters);
        Assert.Equal("value%41", SipGrammarUnescape("v%61lue%25%34%31"));

        SipMessage escnull = SipMessage.Parse(Load("escnull"));
        Assert.Equal("null-\0-null", escnull.To!.Uri.UnescapedUser);
        Assert.Equal(["\0", "\0\0"], escnull.Contacts.Select(c => c.Uri.UnescapedUser));

        var esc02 = Assert.IsType<SipRequest>(SipMessage.Parse(Load("esc02")));
        Assert.Equal("RE%47IST%45R", esc02.Method);
        Assert.Equal("\"%Z%45\"", esc02.To!.DisplayName);
        Assert.Equal(["alias1", "alias3"], esc02.Contacts.Select(c => c.Uri.User));
        Assert.Equal("<sip:alias2@host2.example.com>", esc02.GetHeader("C%6Fntact"));
        Assert.Equal("z9hG4bK209%fzsnel234", Assert.Single(esc02.Via).Branch);

        var semiuri = Assert.IsType<SipRequest>(SipMessage.Parse(Load("semiuri")));
        Assert.Equal("user;par=u@example.net", semiuri.RequestUri.UnescapedUser);
        Assert.Empty(semiuri.RequestUri.Parameters);
        Assert.Equal("application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag", semiuri.GetHeader("Accept"));
    }

    [Fact]
    public void Other_valid_message_values()
    {
        SipMessage lwsdisp = SipMessage.Parse(Load("lwsdisp"));
        Assert.Equal("caller", lwsdisp.From!.DisplayName);

        SipMessage longreq = SipMessage.Parse(Load("longreq"));
        Assert.Equal(34, longreq.Via.Count);
        Assert.Equal("sip33.example.com", longreq.Via[0].Host);
        Assert.Equal("192.0.2.5", longreq.Via[33].Received);
        Assert.Equal(6000, longreq.To!.Uri.Port);
        Assert.Equal(3, longreq.To.Uri.Parameters.Count);
        Assert.Equal(3, longreq.From!.Parameters.Count);

        var dblreq = Assert.IsType<SipRequest>(SipMessage.Parse(Load("dblreq")));
        Assert.Equal("REGISTER", dblreq.Method);
        Assert.True(dblreq.Body.IsEmpty);
        Assert.Equal("j.user", Assert.Single(dblreq.Contacts).Uri.User);

        SipMessage transports = SipMessage.Parse(Load("transports"));
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], transports.Via.Select(v => v.Transport));
        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", transports.CallId);

        var unreason = Assert.IsType<SipResponse>(SipMessage.Parse(Load("unreason")));
        Assert.Equal(200, unreason.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", unreason.ReasonPhrase);

        var noreason = Assert.IsType<SipResponse>(SipMessage.Parse(Load("noreason")));
        Assert.Equal(100, noreason.StatusCode);
        Assert.Equal("", noreason.ReasonPhrase);

        var unkscm = Assert.IsType<SipRequest>(SipMessage.Parse(Load("unkscm")));
        Assert.Equal("totallyopaquecontent", unkscm.RequestUri.Opaque);
        var novelsc = Assert.IsType<SipRequest>(SipMessage.Parse(Load("novelsc")));
        Assert.Equal("soap.beep", novelsc.RequestUri.Scheme);
        SipMessage unksm2 = SipMessage.Parse(Load("unksm2"));
        Assert.Equal("isbn", unksm2.To!.Uri.Scheme);
        Assert.Equal("name:John_Smith", Assert.Single(unksm2.Contacts).Uri.ToString());

        Assert.Equal(["nothingSupportsThis", "nothingSupportsThisEither"], SipMessage.Parse(Load("bext01")).Require);
        Assert.Equal(0, SipMessage.Parse(Load("zeromf")).MaxForwards);
        Assert.Equal("z9hG4bK", Assert.Single(SipMessage.Parse(Load("badbranch")).Via).Branch);
        Assert.Equal("255.255.255.255", SipMessage.Parse(Load("bcast")).Via[1].Host);
        Assert.Equal("NoOneKnowsThisScheme", SipMessage.Parse(Load("regaut01")).GetAuthValues("Authorization")[0].Scheme);

        SipNameAddress c1 = Assert.Single(SipMessage.Parse(Load("cparam01")).Contacts);
        Assert.Empty(c1.Uri.Parameters);
        Assert.Equal("unknownparam", c1.Parameters[0].Name);
        SipNameAddress c2 = Assert.Single(SipMessage.Parse(Load("cparam02")).Contacts);
        Assert.True(c2.Uri.HasParameter("unknownparam"));
        Assert.Empty(c2.Parameters);

        SipUri regescrt = Assert.Single(SipMessage.Parse(Load("regescrt")).Contacts).Uri;
        Assert.Equal(new SipParameter("Route", "%3Csip:sip.example.com%3E"), Assert.Single(regescrt.Headers));

        SipMessage inv2543 = SipMessage.Parse(Load("inv2543"));
        Assert.Null(inv2543.MaxForwards);
        Assert.Null(inv2543.ContentLength);
        Assert.Null(Assert.Single(inv2543.Via).Branch);
        Assert.Equal("ss1.example.com", Assert.Single(inv2543.RecordRoutes).Uri.GetParameter("maddr"));
        Assert.Equal("phone", inv2543.To!.GetParameter("user"));
    }

    [Fact]
    public void Mpart01_body_splits_into_its_parts()
    {
        SipMessage m = SipMessage.Parse(Load("mpart01"));
        Assert.True(Assert.Single(m.Via).HasRPort);
        SipMultipartBody body = SipMultipartBody.FromMessage(m);
        Assert.Equal("7a9cbec02ceef655", body.Boundary);
        Assert.Equal(2, body.Parts.Count);
        Assert.Equal("Hello", Encoding.ASCII.GetString(body.Parts[0].Content.Span));
        Assert.True(body.Parts[1].ContentType!.Is("application", "octet-stream"));
        Assert.Equal(240, body.Parts[1].Content.Length);
        Assert.Contains((byte)0, body.Parts[1].Content.ToArray());
    }

    [Fact]
    public void Every_torture_file_is_covered_and_survives_the_fuzz_round_trip()
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in ValidMessages())
        {
            covered.Add(name);
        }

        foreach (object[] row in InvalidMessages())
        {
            covered.Add((string)row[0]);
        }

        foreach (string file in Directory.GetFiles(Dir, "*.dat"))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            Assert.Contains(name, covered);
            SipFuzzRoundTrip.Run(File.ReadAllBytes(file));
        }
    }

    internal static string Dir => Path.Combine(AppContext.BaseDirectory, "Messages", "Torture");

    internal static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(Dir, name + ".dat"));

    private static string SipGrammarUnescape(string s) => SipUri.Parse("sip:" + s + "@h").UnescapedUser!;
}
