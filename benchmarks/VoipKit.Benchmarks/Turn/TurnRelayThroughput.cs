using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using VoipKit.Transport.Stun;
using VoipKit.Transport.Turn;

namespace VoipKit.Benchmarks.Turn;

/// <summary>
/// Relay throughput through a real coturn on loopback (not a BenchmarkDotNet benchmark): <c>-- turn-relay [seconds]
/// [clients] [window]</c>. Starts turnserver and turnutils_peer (the UDP echo) in a temporary folder, makes one
/// allocation per client with a channel bound to the echo, and keeps up to <c>window</c> 160-byte ChannelData packets
/// in flight per client. Prints packets/s each way, loss, and CPU per relayed packet of coturn (from /proc) and of
/// this process.
/// </summary>
internal static class TurnRelayThroughput
{
    private const string User = "bench";
    private const string Password = "bench-pass";

    public static async Task RunAsync(string[] args)
    {
        int seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        int window = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
        string directory = Directory.CreateTempSubdirectory("voipkit-turn-bench-").FullName;
        var processes = new List<Process>();
        try
        {
            int port = FreePort();
            int peerPort = FreePort();
            int relayStart = 52_000;
            File.WriteAllLines(Path.Combine(directory, "turn.conf"),
            [
                "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", $"listening-port={port}", $"min-port={relayStart}", $"max-port={relayStart + 199}",
                "no-tls", "no-dtls", "no-tcp", "lt-cred-mech", "realm=bench.invalid", $"user={User}:{Password}",
                $"userdb={Path.Combine(directory, "turndb")}", "no-cli", $"log-file={Path.Combine(directory, "turn.log")}", "simple-log",
                "allow-loopback-peers", $"pidfile={Path.Combine(directory, "turn.pid")}",
            ]);
            processes.Add(Start("turnserver", "-c", Path.Combine(directory, "turn.conf")));
            processes.Add(Start("turnutils_peer", "-L", "127.0.0.1", "-p", peerPort.ToString(CultureInfo.InvariantCulture)));
            await WaitForUdpAsync(port);
            await WaitForUdpAsync(peerPort);
            int coturnPid = int.Parse(File.ReadAllText(Path.Combine(directory, "turn.pid")).Trim(), CultureInfo.InvariantCulture);

            var peer = StunEndPoint.Create([127, 0, 0, 1], (ushort)peerPort);
            var flows = new List<Flow>();
            for (int i = 0; i < clients; i++)
            {
                flows.Add(await Flow.StartAsync(new IPEndPoint(IPAddress.Loopback, port), peer, window));
            }

            // Warm-up, then the measured interval.
            await RunAsync(flows, TimeSpan.FromSeconds(1));
            long received0 = flows.Sum(f => f.Received), sent0 = flows.Sum(f => f.Sent);
            double coturnCpu0 = ProcessCpuSeconds(coturnPid);
            TimeSpan ownCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await RunAsync(flows, TimeSpan.FromSeconds(seconds));
            double elapsed = clock.Elapsed.TotalSeconds;
            long sent = flows.Sum(f => f.Sent) - sent0;
            await Task.Delay(300); // stragglers
            long received = flows.Sum(f => f.Received) - received0;
            double coturnCpu = ProcessCpuSeconds(coturnPid) - coturnCpu0;
            double ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu0).TotalSeconds;
            long drops = flows.Sum(f => f.Client.Counters.DroppedOutbound + f.Client.Counters.DroppedMalformed + f.Client.Counters.DroppedUnknownChannel);

            Console.WriteLine(FormattableString.Invariant($"TURN relay through coturn: {clients} clients, window {window}, 160-byte ChannelData, {elapsed:F1} s"));
            Console.WriteLine(FormattableString.Invariant($"  sent to peer      {sent / elapsed,10:F0} packets/s"));
            Console.WriteLine(FormattableString.Invariant($"  echoed back       {received / elapsed,10:F0} packets/s ({(sent + received) / elapsed:F0} relayed/s)"));
            Console.WriteLine(FormattableString.Invariant($"  lost              {Math.Max(0, sent - received)} of {sent} ({100.0 * Math.Max(0, sent - received) / Math.Max(1, sent):F2} %), client drops {drops}"));
            Console.WriteLine(FormattableString.Invariant($"  coturn CPU        {coturnCpu * 1e6 / Math.Max(1, sent + received):F2} µs per relayed packet ({coturnCpu / elapsed * 100:F0} % of a core)"));
            Console.WriteLine(FormattableString.Invariant($"  our CPU           {ownCpu * 1e6 / Math.Max(1, sent + received):F2} µs per packet sent or received ({ownCpu / elapsed * 100:F0} % of a core)"));
            foreach (Flow flow in flows)
            {
                await flow.Client.DisposeAsync();
                flow.Transport.Dispose();
            }
        }
        finally
        {
            foreach (Process p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }

                p.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunAsync(List<Flow> flows, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(flows.Select(f => Task.Run(() => f.SendLoopAsync(stop.Token))));
    }

    private static double ProcessCpuSeconds(int pid)
    {
        // /proc/PID/stat fields 14 and 15: utime and stime in clock ticks (100 per second on Linux); threads included.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static Process Start(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo("timeout") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["-k", "5", "300", tool, .. arguments])
        {
            start.ArgumentList.Add(a);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task WaitForUdpAsync(int port)
    {
        for (int i = 0; i < 200 && !IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Any(l => l.Port == port); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>One client: an allocation, a channel to the echo peer, and a window of packets in flight.</summary>
    private sealed class Flow
    {
        private readonly SemaphoreSlim _credits;
        private readonly ReadOnlyMemory<byte> _payload = new byte[160];
        private StunEndPoint _peer;
        private long _sent;
        private long _received;

        private Flow(int window) => _credits = new SemaphoreSlim(window);

        public UdpDatagramTransport Transport { get; private set; } = null!;

        public TurnClient Client { get; private set; } = null!;

        public long Sent => Interlocked.Read(ref _sent);

        public long Received => Interlocked.Read(ref _received);

        private TurnAllocation Allocation { get; set; } = null!;

        public static async Task<Flow> StartAsync(IPEndPoint server, StunEndPoint peer, int window)
        {
            var flow = new Flow(window) { _peer = peer, Transport = new UdpDatagramTransport(new IPEndPoint(IPAddress.Loopback, 0)) };
            flow.Client = new TurnClient(flow.Transport, new TurnClientOptions { Server = server, Username = User, Password = Password });
            flow.Allocation = await flow.Client.AllocateAsync();
            flow.Allocation.DataReceived = (in StunEndPoint _, ReadOnlySpan<byte> _) =>
            {
                Interlocked.Increment(ref flow._received);
                flow._credits.Release();
            };
            await flow.Allocation.BindChannelAsync(peer);
            return flow;
        }

        public async Task SendLoopAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                // A lost packet never gives its credit back: after 100 ms without one, send anyway.
                await _credits.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                if (await Allocation.SendAsync(_peer, _payload, CancellationToken.None))
                {
                    Interlocked.Increment(ref _sent);
                }
            }
        }
    }
}
