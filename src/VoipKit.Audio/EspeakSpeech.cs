using System.Diagnostics;

namespace VoipKit.Audio;

/// <summary>
/// Makes spoken-sentence WAV files with the espeak-ng speech synthesizer, for samples and
/// listening tests. espeak-ng is an external program (Debian package <c>espeak-ng</c>); VoipKit
/// does not depend on it otherwise.
/// </summary>
public static class EspeakSpeech
{
    private const string Program = "espeak-ng";

    /// <summary>Whether espeak-ng is on the PATH.</summary>
    public static bool IsInstalled => FindOnPath(Program) is not null;

    /// <summary>Speaks <paramref name="text"/> into a WAV file (mono 16-bit, espeak-ng's 22,050 Hz).</summary>
    /// <param name="text">What to say.</param>
    /// <param name="outputPath">The WAV file to write.</param>
    /// <param name="voice">An espeak-ng voice name, for example <c>en-us</c>. Default <c>en</c>.</param>
    /// <param name="wordsPerMinute">Speaking rate, 80–450. Default 160.</param>
    /// <param name="cancellationToken">Stops the synthesizer (its process is killed).</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="InvalidOperationException">espeak-ng is not installed, or it failed.</exception>
    public static async Task SynthesizeToWavAsync(string text, string outputPath, string voice = "en", int wordsPerMinute = 160, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(voice);
        ArgumentOutOfRangeException.ThrowIfLessThan(wordsPerMinute, 80);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wordsPerMinute, 450);
        string exe = FindOnPath(Program) ?? throw new InvalidOperationException("espeak-ng is not installed (Debian package 'espeak-ng').");

        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Arguments go through ArgumentList, never a shell, so the text cannot inject anything.
        foreach (string arg in new[] { "-w", outputPath, "-v", voice, "-s", wordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", text })
        {
            psi.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("espeak-ng could not be started.");
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string error = await stderr.ConfigureAwait(false);
        _ = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0 || !File.Exists(outputPath))
        {
            throw new InvalidOperationException($"espeak-ng failed with exit code {process.ExitCode}: {error.Trim()}");
        }
    }

    private static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (path is null)
        {
            return null;
        }

        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
