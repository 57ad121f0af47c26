using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>
/// A real peer (kamailio, sipp) started as <c>setsid timeout -k 5 LIFETIME program ...</c>: setsid
/// gives it a process group of its own, so stopping it signals the whole group, which also reaches
/// the children Kamailio forks; coreutils timeout ends the group after LIFETIME even if the test
/// host itself dies (crash, hang-dump kill) and never disposes it. stdout and stderr go into one
/// bounded buffer for failure messages.
/// </summary>
internal sealed partial class PeerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private const int MaxOutputChars = 256 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private bool _stopped;

    private PeerProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    /// <summary>The pid of the group leader (timeout, whose child is the peer); also the process group id.</summary>
    public int Pid => _process.Id;

    /// <summary>The command line, for failure messages.</summary>
    public string Description { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to stdout and stderr so far (the last 256 KiB).</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="program"/> in a new session and process group, ended (TERM, then KILL
    /// 5 s later) after <paramref name="maxLifetime"/> at the latest.
    /// </summary>
    public static PeerProcess Start(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan maxLifetime)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in new[] { "timeout", "-k", "5", ((int)Math.Ceiling(maxLifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture), program })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var description = string.Join(' ', start.ArgumentList);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start: " + description);
        var peer = new PeerProcess(process, description);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return peer;
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>
    /// Ends the process group: TERM (Kamailio shuts its children down on it), then KILL after
    /// <paramref name="grace"/>, and checks that no live process of the group remains.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        var pgid = Pid;
        if (!_process.HasExited || ProcessTable.InProcessGroup(pgid).Count > 0)
        {
            _ = Kill(-pgid, SigTerm);
            if (!await WaitUntilGroupGoneAsync(pgid, grace))
            {
                _ = Kill(-pgid, SigKill);
                if (!await WaitUntilGroupGoneAsync(pgid, TimeSpan.FromSeconds(5)))
                {
                    throw new InvalidOperationException(
                        $"processes [{string.Join(", ", ProcessTable.InProcessGroup(pgid))}] of group {pgid} ({Description}) survived SIGKILL");
                }
            }
        }

        if (!_process.HasExited)
        {
            // Stopped before setsid made it a group leader: end it (and anything it forked) directly.
            _process.Kill(entireProcessTree: true);
        }

        // Reap the leader and drain the output pipes (no writer is left, so this ends quickly).
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            Append("[voipkit: output not drained within 5 s after the process group ended]");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(3));
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<bool> WaitUntilGroupGoneAsync(int pgid, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (ProcessTable.InProcessGroup(pgid).Count > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Append(line).Append('\n');
            if (_output.Length > MaxOutputChars)
            {
                _output.Remove(0, _output.Length - (MaxOutputChars / 2));
                _output.Insert(0, "[voipkit: earlier output dropped]\n");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
