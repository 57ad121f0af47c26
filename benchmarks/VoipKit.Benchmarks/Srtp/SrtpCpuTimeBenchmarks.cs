using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace VoipKit.Benchmarks.Srtp;

/// <summary>
/// <see cref="SrtpBenchmarks"/> timed by the benchmark thread's CPU time instead of the wall
/// clock: on a shared, loaded machine wall-clock figures swing with other processes' load while
/// CPU time stays comparable with srtp-bench.c's CPU-time column. Linux only (clock_gettime).
/// </summary>
[Config(typeof(CpuTimeConfig))]
public class SrtpCpuTimeBenchmarks : SrtpBenchmarks
{
    private sealed class CpuTimeConfig : ManualConfig
    {
        public CpuTimeConfig() =>
            AddJob(Job.ShortRun
                .WithWarmupCount(30) // ~0.3 s: lets tiered JIT finish even when the machine is loaded
                .WithIterationCount(15) // an iteration is ~10 ms here: more of them steady the median cheaply
                .WithClock(ThreadCpuClock.Instance)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ThreadCpuTime"));
    }
}

/// <summary>A BenchmarkDotNet clock reading CLOCK_THREAD_CPUTIME_ID, in nanoseconds.</summary>
internal sealed class ThreadCpuClock : IClock
{
    public static readonly ThreadCpuClock Instance = new();

    private const int ClockThreadCpuTimeId = 3;

    public string Title => "thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out Timespec ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clockId, out Timespec ts);
}
