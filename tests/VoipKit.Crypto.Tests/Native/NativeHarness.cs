using System.Diagnostics;
using System.Text;

namespace VoipKit.Crypto.Tests.Native;

/// <summary>
/// Compiles a small C test harness (against a native reference library found through
/// pkg-config) during the test run, and talks to it over stdin/stdout one line per command.
/// A missing compiler or library fails the test with the reason: test.sh installs them, and
/// a test never skips because a tool is absent.
/// </summary>
internal sealed class NativeHarness : IDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private NativeHarness(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += OnErrorData;
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Builds <paramref name="sourceFile"/> (relative to the test output's Native folder) into
    /// an executable in a temporary folder, once per test run, and returns its path.
    /// </summary>
    public static string Build(string sourceFile, string[] pkgConfigPackages, string[] extraArgs)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Native", sourceFile);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException("Harness source missing from the test output.", source);
        }

        string dir = Path.Combine(Path.GetTempPath(), "voipkit-harness-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, Path.GetFileNameWithoutExtension(sourceFile));
        lock (BuildGate)
        {
            if (File.Exists(exe))
            {
                return exe;
            }

            string flags = pkgConfigPackages.Length == 0 ? string.Empty : Run("pkg-config", ["--cflags", "--libs", .. pkgConfigPackages]).Trim();
            var args = new List<string> { "-O2", "-Wall", "-o", exe, source };
            args.AddRange(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            args.AddRange(extraArgs);
            Run("cc", [.. args]);
        }

        return exe;
    }

    /// <summary>Starts a built harness.</summary>
    public static NativeHarness Start(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return new NativeHarness(Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}."));
    }

    /// <summary>Sends one command line and returns the harness's one-line answer.</summary>
    public string Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
        Task<string?> read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(LineTimeout))
        {
            throw new TimeoutException($"Harness did not answer '{Shorten(line)}' within {LineTimeout.TotalSeconds} s. stderr: {Stderr}");
        }

        return read.Result ?? throw new InvalidOperationException($"Harness exited after '{Shorten(line)}'. stderr: {Stderr}");
    }

    /// <summary>Everything the harness wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public void Dispose()
    {
        _process.ErrorDataReceived -= OnErrorData;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(2000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to clean up.
        }

        _process.Dispose();
    }

    private static readonly Lock BuildGate = new();

    private void OnErrorData(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";

    private static string Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within 120 s.");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        }

        return stdout.Result;
    }
}
