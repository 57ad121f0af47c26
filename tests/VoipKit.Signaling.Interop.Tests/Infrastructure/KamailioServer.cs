using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>
/// Kamailio 5.6 (Debian <c>kamailio</c>) as registrar and record-routing stateful proxy on
/// 127.0.0.1, UDP and TCP on one free port, started from Kamailio/kamailio.cfg in a fresh temp
/// directory. Dispose stops it and every process it forked, checks none is left and deletes the
/// directory; a failed start cleans up the same way before it throws.
/// </summary>
internal sealed class KamailioServer : IAsyncDisposable
{
    /// <summary>The digest realm, also a local alias of the proxy.</summary>
    public const string Realm = "voipkit.test";

    private const int StartAttempts = 3;

    private readonly PeerProcess _process;

    private KamailioServer(PeerProcess process, string directory, int port, KamailioOptions options)
    {
        _process = process;
        Directory = directory;
        Port = port;
        Options = options;
    }

    public KamailioOptions Options { get; }

    /// <summary>The UDP and TCP port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The proxy's own URI, e.g. for an outbound proxy setting: <c>sip:127.0.0.1:PORT</c>.</summary>
    public string Uri => $"sip:127.0.0.1:{Port}";

    /// <summary>The temp directory with kamailio.cfg, the run dir and the db_text tables.</summary>
    public string Directory { get; }

    /// <summary>Kamailio's log so far (stderr, <c>-E</c>): include it in failure messages.</summary>
    public string Log => _process.Output;

    /// <summary>The address of record of <paramref name="user"/> at this registrar: <c>sip:USER@127.0.0.1:PORT</c>.</summary>
    public string AddressOfRecord(string user) => $"sip:{user}@127.0.0.1:{Port}";

    /// <summary>Starts Kamailio and returns once it answers an OPTIONS.</summary>
    public static async Task<KamailioServer> StartAsync(KamailioOptions? options, CancellationToken cancellationToken)
    {
        options ??= new KamailioOptions();
        var template = File.ReadAllText(options.ConfigTemplate ?? Path.Combine(AppContext.BaseDirectory, "Kamailio", "kamailio.cfg"));
        var executable = FindExecutable();
        var modules = FindModules();
        var dir = System.IO.Directory.CreateTempSubdirectory("voipkit-kamailio-").FullName;
        try
        {
            var db = Path.Combine(dir, "db");
            if (options.WithAuth)
            {
                WriteSubscriberTable(db, options.Users);
            }

            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Next();
                var config = Path.Combine(dir, "kamailio.cfg");
                await File.WriteAllTextAsync(config, template
                    .Replace("{{PORT}}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{{MPATH}}", modules, StringComparison.Ordinal)
                    .Replace("{{DBDIR}}", db, StringComparison.Ordinal), cancellationToken);
                string[] defines = options.WithAuth ? ["-A", "WITH_AUTH"] : [];
                await CheckConfigAsync(executable, config, defines, dir, cancellationToken);

                var process = PeerProcess.Start(executable, ["-f", config, "-DD", "-E", "-Y", dir, "-m", "64", "-M", "8", .. defines], dir, options.MaxLifetime);
                var server = new KamailioServer(process, dir, port, options);
                try
                {
                    if (await WaitUntilReadyAsync(server, options.ReadyTimeout, cancellationToken))
                    {
                        return server;
                    }
                }
                catch
                {
                    await process.DisposeAsync();
                    throw;
                }

                // It exited before answering: a port race is worth another try, anything else is not.
                await process.DisposeAsync();
                var log = process.Output;
                if (attempt == StartAttempts || !log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"kamailio exited during start (attempt {attempt}, port {port}):\n{log}");
                }
            }
        }
        catch
        {
            DeleteDirectory(dir);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
            var left = ProcessTable.WithCommandLineContaining(Directory);
            if (left.Count > 0)
            {
                throw new InvalidOperationException($"kamailio processes [{string.Join(", ", left)}] of {Directory} are still running");
            }
        }
        finally
        {
            DeleteDirectory(Directory);
        }
    }

    private static void DeleteDirectory(string dir)
    {
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    private static string FindExecutable()
    {
        foreach (var candidate in new[] { "/usr/sbin/kamailio", "/usr/local/sbin/kamailio" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kamailio")).FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("kamailio not found (Debian package kamailio, installed by test.sh)");
    }

    /// <summary>The module directory (it holds tm.so): multiarch on Debian, plain lib elsewhere.</summary>
    private static string FindModules()
    {
        var candidates = System.IO.Directory.EnumerateDirectories("/usr/lib")
            .Select(d => Path.Combine(d, "kamailio", "modules"))
            .Prepend("/usr/lib/kamailio/modules")
            .Append("/usr/lib64/kamailio/modules")
            .Append("/usr/local/lib64/kamailio/modules");
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "tm.so")))
            ?? throw new InvalidOperationException("kamailio modules (tm.so) not found under /usr/lib*/");
    }

    /// <summary>
    /// db_text tables for auth_db: the subscriber table (plain passwords, calculate_ha1 on; the
    /// ha1 columns are filled with a placeholder because db_text rejects empty columns) and the
    /// version table auth_db checks (subscriber version 7 in Kamailio 5.6).
    /// </summary>
    private static void WriteSubscriberTable(string db, IReadOnlyDictionary<string, string> users)
    {
        System.IO.Directory.CreateDirectory(db);
        var subscriber = new StringBuilder("id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)\n");
        var id = 1;
        foreach (var (user, password) in users)
        {
            if (user.Contains(':', StringComparison.Ordinal) || password.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException("db_text separates columns with ':'; it cannot appear in a user or password", nameof(users));
            }

            subscriber.Append(CultureInfo.InvariantCulture, $"{id++}:{user}:{Realm}:{password}:unused:unused\n");
        }

        File.WriteAllText(Path.Combine(db, "subscriber"), subscriber.ToString());
        File.WriteAllText(Path.Combine(db, "version"), "id(int,auto) table_name(string) table_version(int)\n1:subscriber:7\n");
    }

    private static async Task CheckConfigAsync(string executable, string config, string[] defines, string dir, CancellationToken cancellationToken)
    {
        await using var check = PeerProcess.Start(executable, ["-c", "-f", config, .. defines], dir, TimeSpan.FromSeconds(30));
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var exit = await check.WaitForExitAsync(bound.Token);
        if (exit != 0)
        {
            throw new InvalidOperationException($"kamailio -c rejected {config} (exit {exit}):\n{check.Output}");
        }
    }

    /// <summary>Sends OPTIONS to the proxy over UDP every 200 ms until any response comes back.</summary>
    private static async Task<bool> WaitUntilReadyAsync(KamailioServer server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var started = Stopwatch.GetTimestamp();
        for (var n = 1; Stopwatch.GetElapsedTime(started) < timeout; n++)
        {
            if (server._process.HasExited)
            {
                return false;
            }

            var options = Encoding.ASCII.GetBytes(
                $"OPTIONS {server.Uri} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK-vkready-{n}\r\n" +
                "Max-Forwards: 70\r\n" +
                $"From: <sip:probe@127.0.0.1:{local}>;tag=vkready\r\n" +
                $"To: <{server.Uri}>\r\n" +
                $"Call-ID: vkready-{local}-{server.Port}\r\n" +
                $"CSeq: {n} OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n");
            await probe.SendAsync(options, server.EndPoint, cancellationToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromMilliseconds(200));
            try
            {
                var response = await probe.ReceiveAsync(wait.Token);
                if (response.Buffer.AsSpan().StartsWith("SIP/2.0 "u8))
                {
                    return true;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer yet: ask again.
            }
            catch (SocketException)
            {
                // ICMP port unreachable before Kamailio binds: ask again.
            }
        }

        throw new TimeoutException($"kamailio on port {server.Port} did not answer OPTIONS within {timeout.TotalSeconds} s:\n{server.Log}");
    }
}
