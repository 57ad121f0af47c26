using System.Net;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit.Server.Tests.Sip;

/// <summary>Helpers for tests running a <see cref="SipServer"/> and <see cref="SipUserAgent"/>s on loopback.</summary>
internal static class SipServerFixture
{
    public const string Domain = "voipkit.test";

    public static readonly Dictionary<string, string> Users = new()
    {
        ["alice"] = "alice-secret",
        ["bob"] = "bob-secret",
        ["carol"] = "carol-secret",
    };

    public static SipServerOptions Options(TimeProvider? time = null, ListLoggerFactory? log = null) => new()
    {
        Domain = Domain,
        Users = Users,
        TimeProvider = time,
        LoggerFactory = log,
        MinExpires = TimeSpan.FromSeconds(60),
    };

    public static Task<SipServer> StartServerAsync(CancellationToken ct, ListLoggerFactory? log = null) => SipServer.StartAsync(Options(null, log), ct);

    public static SipUri Proxy(SipServer server, SipTransportProtocol protocol) =>
        SipUri.Parse(server.Uri + (protocol == SipTransportProtocol.Tcp ? ";transport=tcp" : string.Empty));

    public static async Task<SipUserAgent> StartAgentAsync(
        SipServer server, string user, SipTransportProtocol protocol, CancellationToken ct, string? password = null, string? contactHost = null, IPAddress? address = null)
    {
        var ua = new SipUserAgent(new SipUserAgentOptions
        {
            ContactHost = contactHost,
            Identity = SipUri.Parse("sip:" + user + "@" + Domain),
            Credentials = new SipCredentials(user, password ?? Users[user]),
            OutboundProxy = Proxy(server, protocol),
            Transport = protocol,
            LocalEndPoint = new IPEndPoint(address ?? IPAddress.Loopback, 0),
            ShutdownTimeout = TimeSpan.FromMilliseconds(500),
        });
        await ua.StartAsync(ct);
        return ua;
    }

    public static Task<SipRegistration> RegisterAsync(SipUserAgent ua, CancellationToken ct) =>
        ua.RegisterAsync(new SipRegistrationOptions { Registrar = SipUri.Parse("sip:" + Domain), Expires = TimeSpan.FromSeconds(300) }, ct);

    public static SipUri Aor(string user) => SipUri.Parse("sip:" + user + "@" + Domain);
}
