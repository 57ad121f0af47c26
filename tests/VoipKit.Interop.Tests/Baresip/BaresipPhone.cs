using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using VoipKit.Audio;
using VoipKit.Signaling.Interop.Tests.Infrastructure;

namespace VoipKit.Interop.Tests.Baresip;

/// <summary>How <see cref="BaresipPhone"/> sets up baresip.</summary>
internal sealed record BaresipPhoneOptions
{
    /// <summary>The account's user; its address of record is <c>sip:User@Domain</c>.</summary>
    public required string User { get; init; }

    public required string Password { get; init; }

    public required string Domain { get; init; }

    /// <summary>The SIP server every request goes to (outbound proxy and registrar), over UDP.</summary>
    public required IPEndPoint Proxy { get; init; }

    /// <summary>
    /// The tone baresip plays into its calls: its aufile source, a WAV generated per phone. 48 kHz stereo (the same
    /// tone on both channels): baresip 1.0.0's aufile source refuses a file whose channel count differs from the
    /// codec's (opus/48000/2), and the call then closes with "No such device".
    /// </summary>
    public double ToneFrequency { get; init; } = 700;

    /// <summary>How long the WAV lasts: baresip ends the call when its aufile source runs out, so well beyond a test.</summary>
    public TimeSpan ToneDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The account's <c>mediaenc</c>: <c>srtp-mand</c> (SDES-SRTP required).</summary>
    public string MediaEncryption { get; init; } = "srtp-mand";

    /// <summary>Baresip ends after this long even if nobody disposes it (the test host died): a backstop far above any test.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long starting may take, registration included.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// baresip 1.0.0 (Debian <c>baresip-core</c>, installed by test.sh) as a standard SIP phone: registered with digest
/// auth at a SIP server through it as outbound proxy, SDES-SRTP mandatory, opus/48000/2 only, no ICE (no ice/stun/turn
/// module, no medianat), rtcp-mux, auto-answer, a generated stereo tone WAV as microphone (aufile) and the sndfile module
/// recording what it decoded. Driven through ctrl_tcp (dial, hangup, quit; its events). Everything lives in a fresh
/// temp folder (HOME, config, WAVs); the process runs in its own process group under <c>timeout</c>
/// (<see cref="PeerProcess"/>). Dispose quits it, ends the group, checks no process of it is left and deletes the folder;
/// a failed start cleans up the same way before it throws.
/// </summary>
internal sealed partial class BaresipPhone : IAsyncDisposable
{
    private const string ModulePath = "/usr/lib/baresip/modules";
    private const int StartAttempts = 3;

    private readonly PeerProcess _process;
    private readonly BaresipControl _control;

    private BaresipPhone(PeerProcess process, BaresipControl control, string directory, int sipPort, BaresipPhoneOptions options)
    {
        _process = process;
        _control = control;
        Directory = directory;
        SipPort = sipPort;
        Options = options;
    }

    public BaresipPhoneOptions Options { get; }

    /// <summary>The temp folder: HOME, config/, tone.wav, snd/ (the sndfile dumps).</summary>
    public string Directory { get; }

    /// <summary>Where baresip's SIP stack listens (127.0.0.1, UDP and TCP).</summary>
    public int SipPort { get; }

    /// <summary>The account as <c>user@domain</c> (how a CallClient names it).</summary>
    public string AddressOfRecord => $"{Options.User}@{Options.Domain}";

    /// <summary>
    /// baresip's output so far (with its SIP trace, <c>-s</c>), for failure messages: without colour codes and without
    /// the call status line menu.so repeats several times a second.
    /// </summary>
    public string Log => Clean(_process.Output);

    /// <summary>Every ctrl_tcp event so far.</summary>
    public IReadOnlyList<BaresipEvent> Events => _control.Events;

    public string SndPath => Path.Combine(Directory, "snd");

    /// <summary>Starts baresip and returns once its account is registered.</summary>
    public static async Task<BaresipPhone> StartAsync(BaresipPhoneOptions options, CancellationToken cancellationToken)
    {
        string executable = FindExecutable();
        if (!File.Exists(Path.Combine(ModulePath, "ctrl_tcp.so")) || !File.Exists(Path.Combine(ModulePath, "sndfile.so")))
        {
            throw new InvalidOperationException($"baresip modules ctrl_tcp.so/sndfile.so not in {ModulePath} (Debian package baresip-core, installed by test.sh)");
        }

        string template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Baresip", "baresip.config"), cancellationToken);
        string dir = System.IO.Directory.CreateTempSubdirectory("voipkit-baresip-").FullName;
        try
        {
            string config = Path.Combine(dir, "config");
            System.IO.Directory.CreateDirectory(config);
            System.IO.Directory.CreateDirectory(Path.Combine(dir, "snd"));
            string tone = Path.Combine(dir, "tone.wav");
            await WriteToneAsync(tone, options.ToneFrequency, options.ToneDuration, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(config, "accounts"), AccountLine(options) + "\n", cancellationToken);

            for (int attempt = 1; ; attempt++)
            {
                int sipPort = FreePort.Next();
                int controlPort = FreePort.Next();
                while (controlPort == sipPort)
                {
                    controlPort = FreePort.Next();
                }

                await File.WriteAllTextAsync(Path.Combine(config, "config"), template
                    .Replace("{{SIP_PORT}}", sipPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{{CTRL_PORT}}", controlPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{{SOURCE_WAV}}", tone, StringComparison.Ordinal)
                    .Replace("{{PLAYED_WAV}}", Path.Combine(dir, "played.wav"), StringComparison.Ordinal)
                    .Replace("{{ALERT_WAV}}", Path.Combine(dir, "alert.wav"), StringComparison.Ordinal)
                    .Replace("{{SND_PATH}}", Path.Combine(dir, "snd"), StringComparison.Ordinal)
                    .Replace("{{MODULE_PATH}}", ModulePath, StringComparison.Ordinal), cancellationToken);

                // env sets HOME to the temp folder: nothing of baresip's lands in the real home.
                PeerProcess process = PeerProcess.Start("env", [$"HOME={dir}", executable, "-s", "-f", config], dir, options.MaxLifetime);
                BaresipControl? control = null;
                try
                {
                    control = await ConnectAsync(process, controlPort, options.StartTimeout, cancellationToken);
                    if (control is not null)
                    {
                        var phone = new BaresipPhone(process, control, dir, sipPort, options);
                        await phone.WaitRegisteredAsync(options.StartTimeout, cancellationToken);
                        return phone;
                    }
                }
                catch
                {
                    if (control is not null)
                    {
                        await control.DisposeAsync();
                    }

                    await process.DisposeAsync();
                    throw;
                }

                // No control connection: a port race is worth another try, anything else is not.
                await process.DisposeAsync();
                string log = process.Output;
                if (attempt == StartAttempts || !log.Contains("in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"baresip gave no control connection during start (attempt {attempt}, SIP port {sipPort}, control port {controlPort}):\n{log}");
                }
            }
        }
        catch
        {
            DeleteDirectory(dir);
            throw;
        }
    }

    /// <summary>Places a call (menu's <c>dial</c>).</summary>
    public Task DialAsync(string uri) => _control.CommandAsync("dial", uri, TimeSpan.FromSeconds(5));

    /// <summary>Hangs up the current call (menu's <c>hangup</c>).</summary>
    public Task HangUpAsync() => _control.CommandAsync("hangup", null, TimeSpan.FromSeconds(5));

    /// <summary>Any other command of baresip's menu, returning its text.</summary>
    public Task<string> CommandAsync(string command, string? parameters = null) => _control.CommandAsync(command, parameters, TimeSpan.FromSeconds(5));

    /// <summary>The first event of <paramref name="type"/> (already seen or still to come).</summary>
    public Task<BaresipEvent> WaitForEventAsync(string type, TimeSpan timeout) =>
        _control.WaitForEventAsync(e => e.Type == type, type, timeout);

    /// <summary>The first event that matches.</summary>
    public Task<BaresipEvent> WaitForEventAsync(Func<BaresipEvent, bool> match, string what, TimeSpan timeout) =>
        _control.WaitForEventAsync(match, what, timeout);

    /// <summary>
    /// What baresip decoded in its (only) call, as 48 kHz mono (sndfile's <c>*-dec.wav</c>, downmixed). sndfile writes the
    /// WAV header's sizes when it closes the file, just after the call closed: this waits until the dump holds at least
    /// <paramref name="minimumSamples"/>.
    /// </summary>
    public async Task<short[]> ReadDecodedAsync(int minimumSamples, TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        string state = "no dump yet";
        while (true)
        {
            string[] dumps = System.IO.Directory.GetFiles(SndPath, "*-dec.wav");
            if (dumps.Length > 1)
            {
                throw new InvalidOperationException($"expected one decoded dump in {SndPath}, found [{string.Join(", ", dumps.Select(Path.GetFileName))}]");
            }

            if (dumps.Length == 1)
            {
                try
                {
                    short[] samples = await ReadWavAsync(dumps[0]);
                    if (samples.Length >= minimumSamples)
                    {
                        return samples;
                    }

                    state = $"{samples.Length} samples in {Path.GetFileName(dumps[0])}";
                }
                catch (WavFormatException e)
                {
                    state = $"{Path.GetFileName(dumps[0])} not a finished WAV yet: {e.Message}";
                }
            }

            try
            {
                await Task.Delay(100, bound.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"baresip's decoded dump did not reach {minimumSamples} samples within {timeout.TotalSeconds:F0} s ({state}); files: [{string.Join(", ", System.IO.Directory.GetFiles(SndPath).Select(Path.GetFileName))}]\n{Log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            try
            {
                // quit first: baresip hangs up, closes its sndfile dumps and exits by itself.
                if (!_process.HasExited)
                {
                    await _control.SendAsync("quit");
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                    await _process.WaitForExitAsync(grace.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // the group is ended below
            }
            finally
            {
                await _control.DisposeAsync();
                await _process.DisposeAsync(); // TERM to the group, KILL after 3 s; throws if anything survives
            }

            IReadOnlyList<int> left = ProcessTable.WithCommandLineContaining(Directory);
            if (left.Count > 0)
            {
                throw new InvalidOperationException($"baresip processes [{string.Join(", ", left)}] of {Directory} are still running");
            }
        }
        finally
        {
            DeleteDirectory(Directory);
        }
    }

    public override string ToString() => $"baresip {AddressOfRecord} on 127.0.0.1:{SipPort}";

    /// <summary>A 16-bit PCM WAV file, 8-48 kHz mono or stereo, as 48 kHz mono samples.</summary>
    public static async Task<short[]> ReadWavAsync(string path)
    {
        await using var source = new WavFileSource(path);
        await source.StartAsync();
        var samples = new List<short>();
        short[] buffer = new short[AudioFormat.SamplesPerFrame * 10];
        int n;
        while ((n = await source.ReadAsync(buffer)) > 0)
        {
            samples.AddRange(buffer.AsSpan(0, n));
        }

        return [.. samples];
    }

    // <sip:user@domain>: digest credentials, every request through the server (outbound), SDES-SRTP required, Opus in
    // its RFC 7587 form only, auto-answer; no medianat, so no ICE.
    private static string AccountLine(BaresipPhoneOptions o) =>
        $"<sip:{o.User}@{o.Domain}>;auth_user={o.User};auth_pass={o.Password};outbound=\"sip:{o.Proxy.Address}:{o.Proxy.Port}\";regint=600;" +
        $"mediaenc={o.MediaEncryption};audio_codecs=opus/48000/2;answermode=auto;ptime=20";

    private static async Task WriteToneAsync(string path, double frequency, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var sink = new WavFileSink(path, new WavFileSinkOptions { Channels = 2 });
        await sink.StartAsync(cancellationToken);
        var tone = new ToneSource(frequency, amplitude: 0.5, duration);
        await tone.StartAsync(cancellationToken);
        short[] buffer = new short[AudioFormat.SampleRate];
        int n;
        while ((n = tone.Read(buffer)) > 0)
        {
            await sink.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }

        await sink.StopAsync(cancellationToken);
    }

    // Null when baresip exited before its control port listened (its SIP port was taken: it exits), or its ctrl_tcp could
    // not listen (it runs on without it): another process took a port after FreePort found it free.
    private static async Task<BaresipControl?> ConnectAsync(PeerProcess process, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        while (true)
        {
            if (process.HasExited || process.Output.Contains("ctrl_tcp: failed to listen", StringComparison.Ordinal))
            {
                return null;
            }

            try
            {
                return await BaresipControl.ConnectAsync(port, bound.Token);
            }
            catch (SocketException)
            {
                // not listening yet
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"baresip's ctrl_tcp did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:F0} s:\n{process.Output}");
            }

            try
            {
                await Task.Delay(50, bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"baresip's ctrl_tcp did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:F0} s:\n{process.Output}");
            }
        }
    }

    // The REGISTER_OK event may have gone out before the control connection existed: ask reginfo until it says OK.
    private async Task WaitRegisteredAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        string info = string.Empty;
        while (!bound.IsCancellationRequested)
        {
            if (Events.Any(e => e.Type == "REGISTER_FAIL"))
            {
                throw new InvalidOperationException($"baresip's registration failed: {BaresipControl.Describe(Events)}\n{Log}");
            }

            info = Clean(await _control.CommandAsync("reginfo", null, TimeSpan.FromSeconds(5)));
            if (info.Contains("OK", StringComparison.Ordinal))
            {
                return;
            }

            if (info.Contains("ERR", StringComparison.Ordinal))
            {
                // It gave up: a refused password, or a digest algorithm it lacks (libre 1.1 knows MD5 only).
                throw new InvalidOperationException($"baresip's registration failed: {info.Trim()}\n{Log}");
            }

            try
            {
                await Task.Delay(100, bound.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"baresip did not register within {timeout.TotalSeconds:F0} s; reginfo: {info.Trim()}; events: {BaresipControl.Describe(Events)}\n{Log}");
    }

    private static string Clean(string text)
    {
        string plain = AnsiEscape().Replace(text, string.Empty);
        return string.Join('\n', plain.Split('\n').Where(l => l.Length > 0 && !StatusLine().IsMatch(l)));
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    // menu.so's "[0:00:03] audio=64378/0 (bit/s)" while a call is up.
    [GeneratedRegex(@"^\[\d+:\d\d:\d\d\] audio=")]
    private static partial Regex StatusLine();

    private static string FindExecutable()
    {
        foreach (string candidate in new[] { "/usr/bin/baresip", "/usr/local/bin/baresip" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "baresip")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("baresip not found (Debian package baresip-core, installed by test.sh)");
    }

    private static void DeleteDirectory(string dir)
    {
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }
}
