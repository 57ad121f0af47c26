using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VoipKit.Tests;

/// <summary>
/// samples/VoipKit.Samples.Softphone run as a program, as a person would run it: scripted against its embedded server
/// and echo peer (end to end), and two of them in separate processes through one's embedded server (hop by hop, the
/// external-server mode), driven through standard input. Real time over loopback; each run is bounded and killed if late.
/// </summary>
public sealed class SoftphoneSampleTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(40);
    private readonly string _directory = Directory.CreateTempSubdirectory("voipkit-softphone-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Softphone_script_calls_the_embedded_echo_peer_end_to_end_with_dtmf_hold_resume_stats_and_hangup()
    {
        string script = Path.Combine(_directory, "script.txt");
        await File.WriteAllLinesAsync(script,
        [
            "# the test's call",
            "wait-for Registered 10",
            "call echo",
            "wait-for Active 15",
            "wait 2",
            "dtmf 123",
            "wait 1",
            "hold",
            "wait 1",
            "resume",
            "wait 1",
            "stats",
            "hangup",
            "quit",
        ]);
        string outDir = Path.Combine(_directory, "calls");

        await using var phone = SoftphoneProcess.Start(_directory, "--embedded-server", "alice:secret", "--script", script, "--out-dir", outDir, "--stats-interval", "1");
        using var timeout = new CancellationTokenSource(RunLimit);
        (int exitCode, string text) = await phone.ExitAsync(timeout.Token);

        Assert.True(exitCode == 0, text);
        Assert.DoesNotContain("error:", text, StringComparison.Ordinal);
        Assert.Contains("registration: Registered", text, StringComparison.Ordinal);
        Assert.Contains("call: state Active", text, StringComparison.Ordinal);
        Assert.Contains("call: connected with echo@voipkit.test: security EndToEndUnverified", text, StringComparison.Ordinal);
        Assert.Matches(@"call: safety number (\d{5} ){11}\d{5} ", text);
        Assert.Contains("echo: answering alice@voipkit.test (EndToEndUnverified)", text, StringComparison.Ordinal);
        Assert.Contains("dtmf: sent 123", text, StringComparison.Ordinal);
        // The echo peer sends every digit back: received by the softphone, in order.
        Assert.Equal("123", string.Concat(Regex.Matches(text, @"dtmf: received (\S)").Select(m => m.Groups[1].Value)));
        Assert.Contains("call: on hold (this side)", text, StringComparison.Ordinal);
        Assert.Contains("call: resumed (this side)", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("call: on hold", StringComparison.Ordinal) < text.IndexOf("call: resumed", StringComparison.Ordinal), text);
        // The 'stats' command and the periodic line (every second here), with every figure named.
        Assert.Matches(@"stats: \d\d:\d\d \| send [\d.]+ kbit/s.*, \d+ packets \| recv [\d.]+ kbit/s, [1-9]\d* packets, lost -?\d+.*jitter buffer \d+ ms, concealed .*\| rtt .* \| MOS [1-4]\.\d\d \| EndToEndUnverified \| path Host ", text);
        Assert.True(Regex.Count(text, "stats: ") >= 3, text);
        Assert.Contains("call: ended LocalHangUp", text, StringComparison.Ordinal);
        Assert.Contains("echo: call with alice@voipkit.test ended: RemoteHangUp", text, StringComparison.Ordinal);
        Assert.Contains("registration: Unregistered", text, StringComparison.Ordinal);

        // What the softphone heard: the echo peer's 440 Hz tone, about 5 s of it (1 s of it on hold).
        string wav = Assert.Single(Directory.GetFiles(outDir, "*.wav"));
        Assert.Contains("recording: ", text, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(wav), text, StringComparison.Ordinal);
        short[] samples = await ReadWavAsync(wav);
        Assert.InRange(samples.Length, 48_000 * 3, 48_000 * 12);
        Assert.InRange(SecondsOfTone(samples, 440), 2.0, 12.0);
    }

    [Fact]
    public async Task Softphone_on_an_external_server_declines_then_answers_a_hop_by_hop_call_from_another_softphone()
    {
        // Alice's softphone hosts the server (and takes commands on standard input); Bob's is a separate process that
        // only knows the server's address, as with Kamailio or a PBX: no shared prekey directory, so hop by hop (SDES).
        await using var alice = SoftphoneProcess.Start(_directory, "--embedded-server", "alice:a-secret,bob:b-secret", "--allow-hop-by-hop",
            "--out-dir", Path.Combine(_directory, "alice"), "--stats-interval", "0");
        using var timeout = new CancellationTokenSource(RunLimit);
        string serverLine = await alice.WaitForLineAsync("server: SipServer for voipkit.test at ", timeout.Token);
        string proxy = Regex.Match(serverLine, @"at (sip:127\.0\.0\.1:\d+)").Groups[1].Value;
        Assert.NotEmpty(proxy);
        await alice.WaitForLineAsync("registration: Registered", timeout.Token);

        string script = Path.Combine(_directory, "bob.txt");
        await File.WriteAllLinesAsync(script, ["wait-for incoming", "decline 486", "wait-for incoming", "answer", "wait-for Ended", "quit"]);
        string bobCalls = Path.Combine(_directory, "bob");
        await using var bob = SoftphoneProcess.Start(_directory, "--aor", "sip:bob@voipkit.test", "--password", "b-secret", "--realm", "voipkit.test",
            "--proxy", proxy, "--local-address", "127.0.0.1", "--allow-hop-by-hop", "--script", script, "--out-dir", bobCalls, "--stats-interval", "0");
        await bob.WaitForLineAsync("registration: Registered", timeout.Token);

        await alice.WriteLineAsync("call bob");
        await alice.WriteLineAsync("wait-for Ended");
        await alice.WriteLineAsync("call bob");
        await alice.WriteLineAsync("wait-for Active");
        await alice.WriteLineAsync("wait 2");
        await alice.WriteLineAsync("dtmf 9#");
        await alice.WriteLineAsync("wait 1");
        await alice.WriteLineAsync("hangup");
        (int bobExit, string bobText) = await bob.ExitAsync(timeout.Token);
        await alice.WriteLineAsync("quit");
        (int aliceExit, string aliceText) = await alice.ExitAsync(timeout.Token);

        string both = aliceText + "\n----- bob -----\n" + bobText;
        Assert.True(aliceExit == 0 && bobExit == 0, both);
        Assert.Contains("no prekey directory service yet", bobText, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(bobText, "incoming: call from alice@voipkit.test, offered security HopByHop"));
        Assert.Contains("incoming: call from alice@voipkit.test ended unanswered: Busy (SIP 486)", bobText, StringComparison.Ordinal);
        Assert.Contains("call: ended Busy (SIP 486)", aliceText, StringComparison.Ordinal);
        Assert.Contains("call: connected with bob@voipkit.test: security HopByHop", aliceText, StringComparison.Ordinal);
        Assert.Contains("call: connected with alice@voipkit.test: security HopByHop", bobText, StringComparison.Ordinal);
        Assert.Contains("dtmf: received 9", bobText, StringComparison.Ordinal);
        Assert.Contains("dtmf: received #", bobText, StringComparison.Ordinal);
        Assert.Contains("call: ended LocalHangUp", aliceText, StringComparison.Ordinal);
        Assert.Contains("call: ended RemoteHangUp", bobText, StringComparison.Ordinal);
        Assert.DoesNotContain("error:", both, StringComparison.Ordinal);

        // Bob heard Alice's speech-like test signal: about 3 s, clearly not silence.
        short[] heard = await ReadWavAsync(Assert.Single(Directory.GetFiles(bobCalls, "*.wav")));
        Assert.InRange(heard.Length, 48_000 * 2, 48_000 * 10);
        Assert.InRange(Dbfs(heard), -40, -10);
    }

    [Theory]
    [InlineData("--transport", "sctp")]
    [InlineData("--aor", "sip:alice@example.com", "--turn", "turn:198.51.100.7")]
    [InlineData("--embedded-server", "alice")]
    [InlineData("--aor", "sip:alice@example.com", "--no-such-option")]
    public async Task Softphone_refuses_bad_arguments_with_exit_code_2_and_says_which(params string[] args)
    {
        await using var phone = SoftphoneProcess.Start(_directory, args);
        using var timeout = new CancellationTokenSource(RunLimit);
        (int exitCode, string text) = await phone.ExitAsync(timeout.Token);
        Assert.True(exitCode == 2, text);
        Assert.Contains("error: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("registration:", text, StringComparison.Ordinal);
    }

    private static async Task<short[]> ReadWavAsync(string path)
    {
        byte[] file = await File.ReadAllBytesAsync(path);
        var samples = new short[(file.Length - 44) / 2];
        Buffer.BlockCopy(file, 44, samples, 0, samples.Length * 2);
        return samples;
    }

    private static double Dbfs(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (short s in samples)
        {
            sum += (s / 32768.0) * (s / 32768.0);
        }

        return 10 * Math.Log10(sum / Math.Max(samples.Length, 1));
    }

    // How long the tone is heard: 100 ms blocks (a whole number of 440 Hz cycles) louder than -40 dBFS whose energy is
    // mostly at the frequency (Goertzel).
    private static double SecondsOfTone(short[] samples, double frequency)
    {
        const int Block = 4_800;
        double coefficient = 2 * Math.Cos(2 * Math.PI * frequency / 48_000);
        int toneBlocks = 0;
        for (int start = 0; start + Block <= samples.Length; start += Block)
        {
            double s1 = 0, s2 = 0, energy = 0;
            for (int i = start; i < start + Block; i++)
            {
                double x = samples[i] / 32768.0;
                energy += x * x;
                double s0 = x + (coefficient * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            double power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
            if (10 * Math.Log10(energy / Block) > -40 && 2 * power / (Block * energy) > 0.5)
            {
                toneBlocks++;
            }
        }

        return toneBlocks * Block / 48_000.0;
    }

    /// <summary>The sample's build output (built beside this test's, same configuration and framework), run with dotnet.</summary>
    private sealed class SoftphoneProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        private SoftphoneProcess(Process process) => _process = process;

        public static SoftphoneProcess Start(string workingDirectory, params string[] args)
        {
            var process = new Process
            {
                StartInfo = new ProcessStartInfo("dotnet", [SamplePath("VoipKit.Samples.Softphone"), .. args])
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = workingDirectory,
                },
            };
            var phone = new SoftphoneProcess(process);
            process.OutputDataReceived += (_, e) => phone.Add(e.Data);
            process.ErrorDataReceived += (_, e) => phone.Add(e.Data is null ? null : "stderr: " + e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return phone;
        }

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public async Task<string> WaitForLineAsync(string contains, CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(l => l.Contains(contains, StringComparison.Ordinal)) is { } line)
                    {
                        return line;
                    }
                }

                if (_process.HasExited)
                {
                    Assert.Fail($"exited ({_process.ExitCode}) before printing '{contains}':\n{Text}");
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    Assert.Fail($"no '{contains}' in time:\n{Text}");
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }

        public async Task WriteLineAsync(string command)
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
        }

        public async Task<(int ExitCode, string Text)> ExitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the softphone did not exit in time:\n{Text}");
            }

            await _process.WaitForExitAsync(CancellationToken.None); // the output's end, after the exit
            return (_process.ExitCode, Text);
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        }
    }

    /// <summary>The sample's build output beside this test's (same configuration and framework).</summary>
    private static string SamplePath(string name)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/VoipKit.Tests/bin/<cfg>/<tfm>
        string framework = testOutput.Name;
        string configuration = testOutput.Parent!.Name;
        DirectoryInfo root = testOutput.Parent.Parent!.Parent!.Parent!.Parent!;
        string path = Path.Combine(root.FullName, "samples", name, "bin", configuration, framework, name + ".dll");
        Assert.True(File.Exists(path), "the sample is not built at " + path);
        return path;
    }
}
