using System.Text;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for digest authentication: the input is a WWW-Authenticate or Authorization value. The challenge parser
/// must round-trip what it accepts, the client must answer or refuse a 401 carrying it, and the server must give a
/// verdict on a request carrying it as credentials. Only a thrown exception (or a hang) is a finding.
/// </summary>
internal static class SipDigestTarget
{
    private static readonly SipDigestServer Server = new((user, _) => user == "alice" ? SipDigestSecret.FromPassword("secret") : null);

    public static void Run(ReadOnlySpan<byte> data)
    {
        string text = Encoding.UTF8.GetString(data);
        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return; // a header value never holds a line break (the message parser unfolds them)
        }

        if (SipAuthValue.TryParse(text, out SipAuthValue? value))
        {
            if (!SipAuthValue.TryParse(value.ToString(), out SipAuthValue? again) || again.ToString() != value.ToString())
            {
                throw new InvalidOperationException("A serialized auth value does not parse back to itself.");
            }

            if (SipDigestChallenge.TryParse(value, out SipDigestChallenge? challenge) &&
                (!SipAuthValue.TryParse(challenge.ToString(), out SipAuthValue? written) || !SipDigestChallenge.TryParse(written, out _)))
            {
                throw new InvalidOperationException("A serialized challenge does not parse again.");
            }
        }

        if (text.AsSpan().ContainsAnyInRange('\0', '\u0008') || text.AsSpan().ContainsAnyInRange('\u000A', '\u001F') || text.Contains('\u007F', StringComparison.Ordinal))
        {
            return; // SipHeader refuses control characters (header injection) before any of this could see them
        }

        var request = new SipRequest(SipMethods.Register, SipUri.Parse("sip:voipkit.test"));
        request.AddHeader(SipHeaderNames.CSeq, "1 REGISTER");
        request.AddHeader(SipHeaderNames.Authorization, text);
        _ = Server.Verify(request, "voipkit.test");

        var response = new SipResponse(401);
        response.AddHeader(SipHeaderNames.WwwAuthenticate, text);
        _ = new SipDigestClient(new SipCredentials("alice", "secret")).TryAuthorize(response, request);
    }
}
