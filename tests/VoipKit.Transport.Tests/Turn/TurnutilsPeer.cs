using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>
/// coturn's UDP echo peer, <c>turnutils_peer -L 127.0.0.1 -p PORT</c> (Debian <c>coturn</c>), under timeout(1) so a
/// crashed test host cannot leave it running; killed on dispose. A missing tool fails the test.
/// </summary>
internal sealed class TurnutilsPeer : IAsyncDisposable
{
    private readonly Process _process;

    private TurnutilsPeer(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<TurnutilsPeer> StartAsync()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var start = new ProcessStartInfo("timeout") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-k", "5", "120", "turnutils_peer", "-L", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("turnutils_peer did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("timeout(1) not found (coreutils).", e);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new TurnutilsPeer(process, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Any(l => l.Port == port))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(process.ExitCode == 127
                        ? "turnutils_peer not found: install the Debian package coturn (test.sh does)."
                        : $"turnutils_peer exited with {process.ExitCode}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"turnutils_peer did not listen on UDP {port} within 10 s");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

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
        }
    }
}
