using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoipKit.Transport.Tests.Interop;

/// <summary>
/// coturn's <c>turnserver</c> (Debian <c>coturn</c>) on 127.0.0.1 and ::1 at a free port, with its config, user
/// database and log in a temporary folder. Disposing kills the process and deletes the folder, also
/// when the test failed. A missing <c>turnserver</c> fails the test.
/// </summary>
internal sealed class CoturnServer : IAsyncDisposable
{
    public const string Realm = "voipkit.test";
    public const string Username = "alice";
    public const string Password = "s3cret-pass";

    private readonly Process _process;
    private readonly string _directory;

    private CoturnServer(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public IPEndPoint EndPointV6 => new(IPAddress.IPv6Loopback, EndPoint.Port);

    public string LogPath => Path.Combine(_directory, "turn.log");

    public static async Task<CoturnServer> StartAsync()
    {
        string directory = Directory.CreateTempSubdirectory("voipkit-coturn-").FullName;
        int port = FreeUdpPort();
        int relayStart = 50_000 + (Random.Shared.Next(0, 750) * 20); // a narrow relay range unlikely to clash with another run
        File.WriteAllLines(Path.Combine(directory, "turn.conf"),
        [
            "listening-ip=127.0.0.1",
            "listening-ip=::1",
            "relay-ip=127.0.0.1",
            $"listening-port={port}",
            $"min-port={relayStart}",
            $"max-port={relayStart + 19}",
            "no-tls",
            "no-dtls",
            "no-tcp",
            "lt-cred-mech",
            "fingerprint",
            $"realm={Realm}",
            $"user={Username}:{Password}",
            $"userdb={Path.Combine(directory, "turndb")}",
            "no-cli",
            $"log-file={Path.Combine(directory, "turn.log")}",
            "simple-log",
            "verbose",
            "allow-loopback-peers",
            $"pidfile={Path.Combine(directory, "turn.pid")}",
        ]);
        // Under timeout(1) so that a crashed test host cannot leave coturn running for more than two minutes.
        var start = new ProcessStartInfo("timeout")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string argument in (string[])["-k", "5", "120", "turnserver"])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Path.Combine(directory, "turn.conf"));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start");
        }
        catch (Win32Exception e)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("timeout(1) not found (coreutils).", e);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new CoturnServer(process, directory, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            await server.WaitUntilListeningAsync(port);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    // The UDP listener is up when the port is taken; coturn logs nothing reliable enough to wait on.
    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(_process.ExitCode == 127
                    ? "turnserver not found: install the Debian package coturn (test.sh does)."
                    : $"turnserver exited with {_process.ExitCode}: {ReadLog()}");
            }

            if (IPGlobalPropertiesHasUdp(port))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"turnserver did not listen on UDP {port} within 10 s: {ReadLog()}");
    }

    private static bool IPGlobalPropertiesHasUdp(int port) =>
        System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Any(l => l.Port == port);
}
