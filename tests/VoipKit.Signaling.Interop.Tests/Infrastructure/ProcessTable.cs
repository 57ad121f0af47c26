using System.Globalization;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>Reads /proc to find the live (non-zombie) processes a test started.</summary>
internal static class ProcessTable
{
    /// <summary>Pids of live processes whose command line contains <paramref name="fragment"/> (e.g. a test's temp dir).</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string fragment)
    {
        var found = new List<int>();
        foreach (var pid in AllPids())
        {
            var cmdline = ReadOrNull($"/proc/{pid}/cmdline");
            if (cmdline is not null && cmdline.Replace('\0', ' ').Contains(fragment, StringComparison.Ordinal) && !IsZombie(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Pids of live processes in process group <paramref name="pgid"/>.</summary>
    public static IReadOnlyList<int> InProcessGroup(int pgid)
    {
        var found = new List<int>();
        foreach (var pid in AllPids())
        {
            if (ReadStat(pid) is { } stat && stat.ProcessGroup == pgid && stat.State != 'Z')
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The process group of <paramref name="pid"/>, or null when it is gone.</summary>
    public static int? ProcessGroupOf(int pid) => ReadStat(pid)?.ProcessGroup;

    private static bool IsZombie(int pid) => ReadStat(pid) is not { } stat || stat.State == 'Z';

    private static IEnumerable<int> AllPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>State and pgid from /proc/PID/stat; the command name in parentheses may hold spaces, so parse after the last ')'.</summary>
    private static (char State, int ProcessGroup)? ReadStat(int pid)
    {
        var stat = ReadOrNull($"/proc/{pid}/stat");
        var close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0)
        {
            return null;
        }

        var fields = stat[(close + 2)..].Split(' ');
        return fields.Length > 2 && int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgid)
            ? (fields[0][0], pgid)
            : null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the process ended while we looked
        }
        catch (UnauthorizedAccessException)
        {
            return null; // another user's process
        }
    }
}
