using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Authentication;

internal static class AuthTestKit
{
    public const string Realm = "voipkit.test";
    public const string User = "alice";
    public const string Password = "s3cr3t p@ss";

    public static SipRequest Request(string method = "REGISTER", string uri = "sip:voipkit.test", uint cseq = 1, byte[]? body = null) =>
        new(method, SipUri.Parse(uri),
        [
            new SipHeader("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKauth" + cseq),
            new SipHeader("Max-Forwards", "70"),
            new SipHeader("From", "<sip:alice@voipkit.test>;tag=a1"),
            new SipHeader("To", "<sip:alice@voipkit.test>"),
            new SipHeader("Call-ID", "auth-test-1"),
            new SipHeader("CSeq", cseq + " " + method),
        ], body);

    /// <summary>A 401 (or 407) carrying the challenges in order.</summary>
    public static SipResponse Challenge(int code, params SipDigestChallenge[] challenges)
    {
        var response = new SipResponse(code);
        foreach (SipDigestChallenge c in challenges)
        {
            response.AddHeader(code == 407 ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate, c.ToString());
        }

        return response;
    }

    /// <summary>The request as the server receives it: serialized and parsed again.</summary>
    public static SipRequest Wire(SipRequest request) => (SipRequest)SipMessage.Parse(request.ToArray());

    /// <summary>The next request of the same usage: same fields, next CSeq, current credentials.</summary>
    public static SipRequest Next(SipRequest request)
    {
        uint cseq = request.CSeq!.Value.Number + 1;
        SipRequest next = Request(request.Method, request.RequestUri.ToString(), cseq, request.Body.ToArray());
        foreach (SipHeader h in request.Headers)
        {
            if (h.Is(SipHeaderNames.Authorization) || h.Is(SipHeaderNames.ProxyAuthorization))
            {
                next.Headers.Add(h);
            }
        }

        return next;
    }

    public static SipDigestServer Server(TimeProvider? time = null, string password = Password, int maxTrackedNonces = 10_000) =>
        new((user, realm) => user == User ? SipDigestSecret.FromPassword(password) : null, time, null, maxTrackedNonces);

    public static SipAuthValue Credentials(SipRequest request, string field = SipHeaderNames.Authorization) =>
        Assert.Single(request.GetAuthValues(field));
}
