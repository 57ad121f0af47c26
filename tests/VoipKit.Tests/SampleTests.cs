using System.Diagnostics;

namespace VoipKit.Tests;

/// <summary>
/// The README's main job, run as a program: a real end-to-end encrypted SIP call between two user agents over loopback
/// (short, in real time). Guards the whole path (SIP, SDP, Signal call key, SRTP, Opus, UDP, jitter buffer, WAV).
/// </summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("voipkit-sample-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task SipCall_sample_places_an_end_to_end_encrypted_call_and_writes_what_bob_heard(string transport)
    {
        string sample = SamplePath("VoipKit.Samples.SipCall");
        string wav = Path.Combine(_directory, "heard.wav");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [sample, "--seconds", "3", "--transport", transport, "--out", wav])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text = await output;
        Assert.True(process.ExitCode == 0, text + await errors);
        Assert.Contains("security EndToEndUnverified", text, StringComparison.Ordinal);
        Assert.Contains("(the same on both sides: True)", text, StringComparison.Ordinal);
        Assert.Contains("Bob's side ended: RemoteHangUp", text, StringComparison.Ordinal);
        Assert.Contains(", 0 rejected", text, StringComparison.Ordinal);
        // Both CallClients registered at the in-process SipServer, and the call (BYE included) went through it.
        Assert.Contains("registered at the server with digest", text, StringComparison.Ordinal);
        Assert.Matches(@"in-dialog along the Record-Route, BYE [1-9]", text);
        Assert.Contains("bindings left: 0", text, StringComparison.Ordinal);
        // Loopback loses nothing, but a busy CI machine may let a few packets arrive too late to count.
        System.Text.RegularExpressions.Match received = System.Text.RegularExpressions.Regex.Match(text, @"Bob received (\d+) packets, lost (-?\d+)");
        Assert.True(received.Success, text);
        Assert.InRange(int.Parse(received.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 100, 200);
        Assert.InRange(int.Parse(received.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 5);

        // About 3 s of 48 kHz mono 16-bit speech-like audio, clearly not silence.
        byte[] file = await File.ReadAllBytesAsync(wav);
        int samples = (file.Length - 44) / 2;
        Assert.InRange(samples, 48_000 * 2, 48_000 * 4);
        double sum = 0;
        for (int i = 0; i < samples; i++)
        {
            double s = BitConverter.ToInt16(file, 44 + (2 * i)) / 32768.0;
            sum += s * s;
        }

        double dbfs = 10 * Math.Log10(sum / samples);
        Assert.InRange(dbfs, -35, -10);
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
