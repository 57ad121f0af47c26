using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Tests.Authentication;

public class SipDigestPropertyTests
{
    // Quotes, backslashes, commas, '=' and non-ASCII exercise the quoted-string escaping of the fields.
    private const string TextChars = "aZ09 @:;?&=+$,/%\"\\<>#[]{}|^`~!*'()-_.\u00e9\u00df\u4e2d\u0416";
    private const string TokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~";

    public sealed record AuthCase(string Username, string Password, string Realm, SipUri Uri, string Method, SipDigestAlgorithm Algorithm, bool Qop,
        int Position, int Delta);

    private static Gen<string> Text(int min, int max, string chars) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(chars.ToCharArray()), n)).Select(c => new string(c));

    private static Gen<AuthCase> Cases() =>
        from username in Text(1, 12, TextChars)
        from password in Text(0, 16, TextChars)
        from realm in Text(1, 12, TextChars)
        from host in Text(1, 10, "abcdefghijklmnopqrstuvwxyz0123456789-")
        from user in Gen.OneOf(Gen.Constant<string?>(null), Text(1, 10, TextChars).Select(u => (string?)u))
        from method in Gen.OneOf(Gen.Elements("REGISTER", "INVITE", "BYE", "MESSAGE", "SUBSCRIBE"), Text(1, 8, TokenChars))
        from algorithm in Gen.Elements(Enum.GetValues<SipDigestAlgorithm>())
        from qop in Gen.Elements(true, false)
        from position in Gen.Choose(0, 63)
        from delta in Gen.Choose(1, 15)
        select new AuthCase(username, password, realm, SipUri.Create(host + ".example", user), method, algorithm, qop || SipDigestAlgorithms.IsSession(algorithm),
            position, delta);

    private static (SipDigestServer Server, SipRequest Request) Authorized(AuthCase c)
    {
        var server = new SipDigestServer((u, r) => u == c.Username && r == c.Realm ? SipDigestSecret.FromPassword(c.Password) : null);
        var request = new SipRequest(c.Method, c.Uri,
        [
            new SipHeader("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKprop"),
            new SipHeader("From", "<sip:a@example.com>;tag=1"),
            new SipHeader("To", "<sip:a@example.com>"),
            new SipHeader("Call-ID", "prop"),
            new SipHeader("CSeq", "1 " + c.Method),
        ]);
        var client = new SipDigestClient(new SipCredentials(c.Username, c.Password));
        SipDigestAuthorizeResult result = client.TryAuthorize(AuthTestKit.Challenge(401, server.CreateChallenge(c.Realm, c.Algorithm, c.Qop)), request);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, result);
        return (server, AuthTestKit.Wire(request));
    }

    [Property(MaxTest = 200)]
    public Property Server_verifies_what_the_client_produced() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        (SipDigestServer server, SipRequest request) = Authorized(c);
        using (server)
        {
            return server.Verify(request, c.Realm, false, out string? user) == SipDigestVerifyResult.Ok && user == c.Username;
        }
    });

    [Property(MaxTest = 200)]
    public Property One_changed_response_character_fails() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        (SipDigestServer server, SipRequest request) = Authorized(c);
        using (server)
        {
            SipAuthValue credentials = AuthTestKit.Credentials(request);
            var changed = new List<SipAuthParameter>();
            foreach (SipAuthParameter p in credentials.Parameters)
            {
                if (p.Name == "response")
                {
                    char[] hex = p.Value.ToCharArray();
                    int i = c.Position % hex.Length;
                    hex[i] = "0123456789abcdef"[(Convert.ToInt32(hex[i].ToString(), 16) + c.Delta) % 16];
                    changed.Add(p with { Value = new string(hex) });
                }
                else
                {
                    changed.Add(p);
                }
            }

            request.SetHeader(SipHeaderNames.Authorization, new SipAuthValue("Digest", changed).ToString());
            return server.Verify(request, c.Realm) == SipDigestVerifyResult.BadCredentials;
        }
    });
}
