using System.Net;
using System.Security.Cryptography;
using System.Text;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;
using static VoipKit.Server.Tests.Sip.SipServerFixture;

namespace VoipKit.Server.Tests.Sip;

/// <summary>Starting a server: option checks, the shared port, a credential store holding HA1 values.</summary>
public sealed class SipServerOptionsTests
{
    [Fact]
    public async Task Options_without_users_or_with_any_address_and_no_advertised_host_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SipServer.StartAsync(new SipServerOptions { Domain = Domain }));
        await Assert.ThrowsAsync<ArgumentException>(() => SipServer.StartAsync(Options() with { ListenEndPoint = new IPEndPoint(IPAddress.Any, 0) }));
        await Assert.ThrowsAsync<ArgumentException>(() => SipServer.StartAsync(Options() with { Udp = false, Tcp = false }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SipServer.StartAsync(Options() with { MaxExpires = TimeSpan.FromSeconds(10) }));
    }

    [Fact]
    public async Task Udp_and_tcp_share_one_port_and_the_uri_names_it()
    {
        await using SipServer server = await SipServer.StartAsync(Options());

        Assert.Equal(server.Port, server.UdpEndPoint!.Port);
        Assert.Equal(server.Port, server.TcpEndPoint!.Port);
        Assert.Equal("sip:127.0.0.1:" + server.Port, server.Uri.ToString());
        Assert.Equal("sip:bob@voipkit.test", server.AddressOfRecord("bob").ToString());
    }

    [Fact]
    public async Task A_credential_store_with_ha1_values_authenticates_agents()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using SipServer server = await SipServer.StartAsync(
            Options() with { Users = null, CredentialStore = new Ha1Store() }, timeout.Token);
        await using SipUserAgent alice = await StartAgentAsync(server, "alice", SipTransportProtocol.Udp, timeout.Token);

        SipRegistration registration = await RegisterAsync(alice, timeout.Token);

        Assert.Equal(SipRegistrationState.Registered, registration.State);
        Assert.Single(server.GetBindings("alice"));
    }

    /// <summary>Holds SHA-256 HA1 = H(user:realm:password), never the passwords.</summary>
    private sealed class Ha1Store : ISipCredentialStore
    {
        public SipDigestSecret? FindSecret(string username, string realm) =>
            Users.TryGetValue(username, out string? password)
                ? SipDigestSecret.FromHa1(SipDigestAlgorithm.Sha256, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username + ":" + realm + ":" + password))))
                : null;
    }
}
