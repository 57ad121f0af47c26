using System.Diagnostics;
using System.Globalization;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>
/// Runs SIPp 3.6 (Debian <c>sip-tester</c>) with one of our scenarios in Sipp/: bounded
/// (<c>-timeout</c>, <c>-timeout_error</c>, one call), logged (<c>-trace_msg</c>, <c>-trace_err</c>
/// into a temp directory), on 127.0.0.1 and a free local port.
/// </summary>
internal static class SippRunner
{
    // sipp's exit code when it cannot bind its socket (another process took the free port).
    private const int BindFailure = 254;

    /// <summary>Runs a scenario to its end (a UAC, usually) and returns its result.</summary>
    public static async Task<SippResult> RunAsync(SippOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            SippResult result;
            await using (var sipp = Launch(options))
            {
                result = await sipp.WaitForExitAsync(cancellationToken);
            }

            if (result.ExitCode != BindFailure || options.LocalPort is not null || attempt == 3)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Starts a scenario in the background (a UAS, usually) and returns once sipp listens on its
    /// UDP port. Dispose the handle to kill it and delete its logs.
    /// </summary>
    public static async Task<SippProcess> StartAsync(SippOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var sipp = Launch(options);
            try
            {
                if (await WaitUntilListeningAsync(sipp, options, cancellationToken))
                {
                    return sipp;
                }

                var failed = await sipp.WaitForExitAsync(cancellationToken);
                if (failed.ExitCode != BindFailure || options.LocalPort is not null || attempt == 3)
                {
                    throw new InvalidOperationException("sipp did not start listening:\n" + failed.Describe());
                }
            }
            catch
            {
                await sipp.DisposeAsync();
                throw;
            }

            await sipp.DisposeAsync();
        }
    }

    private static SippProcess Launch(SippOptions options)
    {
        var scenario = Path.Combine(AppContext.BaseDirectory, "Sipp", options.Scenario);
        if (!File.Exists(scenario))
        {
            throw new FileNotFoundException("no such sipp scenario in the test output", scenario);
        }

        if ((options.AuthUser is null) != (options.AuthPassword is null))
        {
            throw new ArgumentException("AuthUser and AuthPassword go together", nameof(options));
        }

        var port = options.LocalPort ?? FreePort.Next();
        var dir = Directory.CreateTempSubdirectory("voipkit-sipp-").FullName;
        var args = new List<string>();
        if (options.Target is { } target)
        {
            args.Add(target.ToString());
        }

        args.AddRange(
        [
            "-sf", scenario,
            "-nostdin",
            "-timeout", ((int)Math.Ceiling(options.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
            "-timeout_error",
            "-m", "1",
            "-l", "1",
            "-trace_err", "-error_file", Path.Combine(dir, "errors.log"),
            "-trace_msg", "-message_file", Path.Combine(dir, "messages.log"),
            "-i", "127.0.0.1",
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-s", options.Service,
            "-t", options.Tcp ? "t1" : "u1",
        ]);
        if (options.AuthUser is not null)
        {
            args.AddRange(["-au", options.AuthUser, "-ap", options.AuthPassword!]);
        }

        foreach (var (key, value) in options.Keys)
        {
            args.AddRange(["-key", key, value]);
        }

        args.AddRange(options.ExtraArguments);
        try
        {
            return new SippProcess(PeerProcess.Start("sipp", args, dir, options.Timeout + TimeSpan.FromSeconds(30)), options, port, dir);
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    private static async Task<bool> WaitUntilListeningAsync(SippProcess sipp, SippOptions options, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sipp.HasExited)
            {
                return false;
            }

            if (options.Tcp ? FreePort.IsTcpListening(sipp.Port) : FreePort.IsUdpBound(sipp.Port))
            {
                return true;
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException($"sipp {options.Scenario} did not bind 127.0.0.1:{sipp.Port} within 5 s");
    }
}
