using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>
/// Real-peer checks of VoipKit's SDP answers: baresip 1.0.0 (Debian <c>baresip-core</c>, installed by test.sh) dials a
/// UDP socket of the test, which answers its INVITE with a minimal hand-made 200 OK or 488 carrying
/// <see cref="SdpNegotiator.Answer"/>'s result. No SIP stack is involved beyond that one response.
/// </summary>
public sealed class BaresipInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("voipkit-sdp-baresip-").FullName;
    private Process? _baresip;

    [Fact]
    public async Task Baresip_accepts_the_sdes_answer_and_sends_srtp_opus()
    {
        using var sip = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var rtp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Start(sip, "mediaenc=srtp-mand;audio_codecs=opus/48000/2,PCMU/8000");
        var (invite, from) = await ReceiveAsync(sip, TimeSpan.FromSeconds(15));
        var offer = SessionDescription.Parse(Body(invite));
        var local = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = Port(rtp), SessionId = 7, SessionVersion = 1 };
        var result = SdpNegotiator.Answer(offer, local);
        Assert.Equal(SdpSecurity.SdesSrtp, result.Audio!.Security);
        await RespondAndExpectAckAsync(sip, Response(sip, invite, "200 OK", result.Answer!.ToUtf8Bytes()), from);
        var packets = 0;
        while (packets < 10)
        {
            var (packet, _) = await ReceiveAsync(rtp, TimeSpan.FromSeconds(5));
            Assert.Equal(0x80, packet[0] & 0xC0); // RTP version 2
            Assert.Equal(result.Audio.Codec.PayloadType, packet[1] & 0x7F);
            packets++;
        }
    }

    [Fact]
    public async Task Baresip_acknowledges_the_dtls_answer()
    {
        using var sip = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Start(sip, "mediaenc=dtls_srtp;audio_codecs=opus/48000/2");
        var (invite, from) = await ReceiveAsync(sip, TimeSpan.FromSeconds(15));
        var local = new SdpLocalOptions
        {
            Address = "127.0.0.1",
            AudioPort = 40000,
            DtlsFingerprint = new Fingerprint { HashFunction = "sha-256", Value = new byte[32] },
        };
        var result = SdpNegotiator.Answer(SessionDescription.Parse(Body(invite)), local);
        Assert.Equal(SdpSecurity.DtlsSrtp, result.Audio!.Security);
        Assert.Equal(DtlsSetupRole.Active, result.Audio.LocalSetup);
        await RespondAndExpectAckAsync(sip, Response(sip, invite, "200 OK", result.Answer!.ToUtf8Bytes()), from);
    }

    [Fact]
    public async Task Baresip_gives_up_on_the_488_for_a_plain_offer()
    {
        using var sip = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Start(sip, "audio_codecs=PCMU/8000");
        var (invite, from) = await ReceiveAsync(sip, TimeSpan.FromSeconds(15));
        var local = new SdpLocalOptions { Address = "127.0.0.1", AudioPort = 40000, Requirement = MediaSecurityRequirement.RequireEncryption };
        var result = SdpNegotiator.Answer(SessionDescription.Parse(Body(invite)), local);
        Assert.Equal(SdpNegotiationFailure.EncryptionRequired, result.Failure);
        await RespondAndExpectAckAsync(sip, Response(sip, invite, $"{result.SipStatusCode} Not Acceptable Here", []), from);
    }

    public void Dispose()
    {
        if (_baresip is { HasExited: false })
        {
            _baresip.Kill(entireProcessTree: true);
            _baresip.WaitForExit(5000);
        }

        _baresip?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void Start(UdpClient uas, string accountParameters)
    {
        int sipPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            sipPort = Port(probe);
        }

        File.WriteAllText(Path.Combine(_dir, "config"), $"""
            poll_method epoll
            sip_listen 127.0.0.1:{sipPort}
            net_interface 127.0.0.1
            audio_player aufile,{Path.Combine(_dir, "out.wav")}
            audio_source ausine,440
            module_path /usr/lib/baresip/modules
            module g711.so
            module opus.so
            module ausine.so
            module aufile.so
            module srtp.so
            module dtls_srtp.so
            module_app account.so
            module_app menu.so

            """);
        File.WriteAllText(Path.Combine(_dir, "accounts"), $"<sip:alice@127.0.0.1>;regint=0;{accountParameters}\n");
        var start = new ProcessStartInfo("baresip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-f", _dir, "-e", $"/dial sip:bob@127.0.0.1:{Port(uas)}", "-t", "20" })
        {
            start.ArgumentList.Add(a);
        }

        _baresip = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start (is baresip-core installed?)");
        _baresip.StandardInput.Close();
        _baresip.BeginOutputReadLine();
        _baresip.BeginErrorReadLine();
    }

    /// <summary>Sends the response, re-sends it on INVITE retransmissions (a loaded machine answers late), and waits for the ACK.</summary>
    private static async Task RespondAndExpectAckAsync(UdpClient sip, byte[] response, IPEndPoint to)
    {
        await sip.SendAsync(response, to);
        while (true)
        {
            var (data, _) = await ReceiveAsync(sip, TimeSpan.FromSeconds(10));
            var text = Encoding.UTF8.GetString(data);
            if (text.StartsWith("ACK ", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(text.StartsWith("INVITE ", StringComparison.Ordinal), "expected ACK or an INVITE retransmission, got: " + text[..Math.Min(200, text.Length)]);
            await sip.SendAsync(response, to);
        }
    }

    private static int Port(UdpClient client) => ((IPEndPoint)client.Client.LocalEndPoint!).Port;

    private static async Task<(byte[] Data, IPEndPoint From)> ReceiveAsync(UdpClient client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var r = await client.ReceiveAsync(cts.Token);
        return (r.Buffer, r.RemoteEndPoint);
    }

    private static byte[] Body(byte[] message)
    {
        var split = message.AsSpan().IndexOf("\r\n\r\n"u8);
        return message[(split + 4)..];
    }

    /// <summary>A response echoing the request's Via, From, Call-ID and CSeq, with a To tag (RFC 3261 section 8.2.6).</summary>
    private static byte[] Response(UdpClient uas, byte[] request, string status, byte[] sdp)
    {
        var head = Encoding.UTF8.GetString(request[..request.AsSpan().IndexOf("\r\n\r\n"u8)]).Split("\r\n");
        var sb = new StringBuilder($"SIP/2.0 {status}\r\n");
        foreach (var line in head.Skip(1))
        {
            var name = line[..Math.Max(0, line.IndexOf(':', StringComparison.Ordinal))].Trim().ToUpperInvariant();
            if (name is "VIA" or "V" or "FROM" or "F" or "CALL-ID" or "I" or "CSEQ")
            {
                sb.Append(line).Append("\r\n");
            }
            else if (name is "TO" or "T")
            {
                sb.Append(line).Append(";tag=vk1\r\n");
            }
        }

        sb.Append("Contact: <sip:bob@127.0.0.1:").Append(Port(uas)).Append(">\r\n"); // the ACK of a 2xx goes to the Contact
        if (sdp.Length > 0)
        {
            sb.Append("Content-Type: application/sdp\r\n");
        }

        sb.Append("Content-Length: ").Append(sdp.Length).Append("\r\n\r\n");
        return [.. Encoding.UTF8.GetBytes(sb.ToString()), .. sdp];
    }
}
