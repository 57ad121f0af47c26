using System.Globalization;
using System.Net;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Tests.Sip;

/// <summary>Random REGISTER scripts against a model of RFC 3261 10.3 bindings, in virtual time.</summary>
public sealed class SipRegistrarPropertyTests
{
    private static readonly uint[] s_expires = [0, 30, 60, 120, 600, 7200];

    /// <summary>
    /// Each pair of bytes is one step: add/refresh/remove a contact (one of four) with an expiry (0, 30 → 423, 60, 120,
    /// 600, 7200 → capped to 3600), remove all with <c>*</c>, let time pass, or query. After every step the response code
    /// and the listed bindings with their remaining seconds must be what the model says (at most three bindings).
    /// </summary>
    [Property(MaxTest = 100)]
    public void The_registrar_agrees_with_a_model_of_bindings(byte[] script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var identity = new SipServerIdentity(SipServerFixture.Domain, "127.0.0.1", 5060, [IPAddress.Loopback]);
        using var digest = new SipDigestServer(
            (user, _) => SipServerFixture.Users.TryGetValue(user, out string? p) ? SipDigestSecret.FromPassword(p) : null, time, TimeSpan.FromDays(365));
        SipServerOptions options = SipServerFixture.Options(time) with { MaxBindingsPerAddressOfRecord = 3 };
        var registrar = new SipRegistrar(options, identity, new SipLocationService(time, 3), digest, time);
        var flow = new SipFlow(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5070));
        var client = new SipDigestClient(new SipCredentials("alice", SipServerFixture.Users["alice"]));
        uint cseq = 1;
        SipRequest first = Register(cseq++, []);
        Assert.Equal(SipDigestAuthorizeResult.Authorized, client.TryAuthorize(registrar.Register(first, flow), first));
        var model = new Dictionary<int, DateTimeOffset>();

        for (int i = 0; i + 1 < script.Length; i += 2)
        {
            int op = script[i] % 8;
            int arg = script[i + 1];
            DateTimeOffset now = time.GetUtcNow();
            foreach (int gone in model.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList())
            {
                model.Remove(gone);
            }

            if (op == 6)
            {
                time.Advance(TimeSpan.FromSeconds(arg * 7));
                continue;
            }

            int expected = 200;
            string[] contacts;
            string? expiresHeader = null;
            if (op < 5)
            {
                int contact = arg % 4;
                uint expires = s_expires[(arg / 4) % s_expires.Length];
                contacts = [$"<sip:alice@192.0.2.1:{5070 + contact}>;expires={expires}"];
                if (expires is > 0 and < 60)
                {
                    expected = 423;
                }
                else if (expires == 0)
                {
                    model.Remove(contact);
                }
                else if (!model.ContainsKey(contact) && model.Count == 3)
                {
                    expected = 403;
                }
                else
                {
                    model[contact] = now + TimeSpan.FromSeconds(Math.Min(expires, 3600));
                }
            }
            else if (op == 5)
            {
                contacts = ["*"];
                expiresHeader = "0";
                model.Clear();
            }
            else
            {
                contacts = []; // query
            }

            SipRequest request = Register(cseq++, contacts, expiresHeader);
            client.Authorize(request);
            SipResponse response = registrar.Register(request, flow);

            Assert.Equal(expected, response.StatusCode);
            if (expected == 200)
            {
                var listed = response.Contacts.ToDictionary(c => c.Uri.Port!.Value - 5070, c => c.Expires);
                var wanted = model.ToDictionary(kv => kv.Key, kv => (uint?)(uint)Math.Floor((kv.Value - now).TotalSeconds));
                Assert.Equal(wanted.OrderBy(kv => kv.Key), listed.OrderBy(kv => kv.Key));
            }
        }
    }

    private static SipRequest Register(uint cseq, string[] contacts, string? expires = null)
    {
        string n = cseq.ToString(CultureInfo.InvariantCulture);
        string text =
            "REGISTER sip:voipkit.test SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-p" + n + "\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:alice@voipkit.test>;tag=f\r\nTo: <sip:alice@voipkit.test>\r\nCall-ID: prop\r\n" +
            "CSeq: " + n + " REGISTER\r\n" +
            string.Concat(contacts.Select(c => "Contact: " + c + "\r\n")) +
            (expires is null ? string.Empty : "Expires: " + expires + "\r\n") +
            "Content-Length: 0\r\n\r\n";
        return (SipRequest)SipMessage.Parse(System.Text.Encoding.ASCII.GetBytes(text));
    }
}
