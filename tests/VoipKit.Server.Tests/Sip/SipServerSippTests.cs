using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;
using static VoipKit.Server.Tests.Sip.SipServerFixture;

namespace VoipKit.Server.Tests.Sip;

/// <summary>
/// A third-party user agent through our server: SIPp 3.6 (Debian <c>sip-tester</c>) registers Bob with MD5 digest
/// (its REGISTER comes from another socket than the UAS it binds) and answers a VoipKit caller's INVITE; the ACK and
/// BYE follow the Record-Route through the server.
/// </summary>
[Trait("Category", "RealPeers")]
public sealed class SipServerSippTests
{
    [Fact]
    public async Task Sipp_registers_at_the_server_and_answers_a_call_routed_through_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        CancellationToken ct = timeout.Token;
        var log = new ListLoggerFactory();
        // SIPp answers MD5 challenges only.
        await using SipServer server = await SipServer.StartAsync(Options(null, log) with { Algorithm = SipDigestAlgorithm.Md5, Tcp = false }, ct);
        string serverAddress = "127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture);
        int uasPort = FreeUdpPort();
        using Process uas = StartSipp(["-sf", Scenario("uas-answer-bye.xml"), "-i", "127.0.0.1", "-p", Text(uasPort), "-s", "bob", "-m", "1", "-nostdin",
            "-timeout", "25s", "-timeout_error"]);
        try
        {
            await WaitUntilBoundAsync(uasPort, ct);
            using Process register = StartSipp([serverAddress, "-sf", Scenario("uac-register.xml"), "-i", "127.0.0.1", "-p", Text(FreeUdpPort()), "-s", "bob",
                "-key", "contact", "sip:bob@127.0.0.1:" + Text(uasPort), "-key", "expires", "300", "-au", "bob", "-ap", Users["bob"], "-m", "1",
                "-nostdin", "-timeout", "10s", "-timeout_error"]);
            string registered = await FinishAsync(register, ct);
            Assert.True(register.ExitCode == 0, registered + "\n" + log.Text);
            Assert.Equal(uasPort, Assert.Single(server.GetBindings("bob")).Port);

            await using SipUserAgent alice = await StartAgentAsync(server, "alice", SipTransportProtocol.Udp, ct);
            await RegisterAsync(alice, ct);
            SipCallResult result = await alice.InviteAsync(Aor("bob"), SipBody.Sdp("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n"), cancellationToken: ct);

            Assert.True(result.Succeeded, "status " + result.StatusCode + "\n" + log.Text);
            Assert.Equal(server.Port, Assert.Single(result.Dialog!.RouteSet).Uri.Port);
            Assert.Equal(200, (await result.Dialog.ByeAsync(ct))!.StatusCode);
            string answered = await FinishAsync(uas, ct);
            Assert.True(uas.ExitCode == 0, answered + "\n" + log.Text);
            Assert.True(server.Statistics.ForwardedRequests(SipMethods.Bye) >= 1);
            Assert.True(server.Statistics.ForwardedRequests(SipMethods.Ack) >= 1);
        }
        finally
        {
            if (!uas.HasExited)
            {
                uas.Kill(entireProcessTree: true);
            }
        }
    }

    private static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "Sip", "Sipp", name);

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static Process StartSipp(string[] args) =>
        Process.Start(new ProcessStartInfo("sipp", args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true })
        ?? throw new InvalidOperationException("sipp did not start");

    private static async Task<string> FinishAsync(Process process, CancellationToken ct)
    {
        Task<string> output = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> errors = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text = await output + await errors;
        return text.Length > 4000 ? text[^4000..] : text;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Waits until another process holds the UDP port (sipp has bound it).</summary>
    private static async Task WaitUntilBoundAsync(int port, CancellationToken ct)
    {
        for (int i = 0; i < 100; i++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return;
            }

            probe.Close();
            await Task.Delay(50, ct);
        }

        throw new TimeoutException("sipp did not bind its port");
    }
}
