using BenchmarkDotNet.Running;

namespace VoipKit.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line (BenchmarkDotNet's switcher: <c>--filter '*Srtp*'</c>), or
/// <c>turn-relay [seconds] [clients] [window]</c>: the relay throughput through coturn (<see cref="Turn.TurnRelayThroughput"/>).
/// </summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        if (args is ["turn-relay", ..])
        {
            await Turn.TurnRelayThroughput.RunAsync(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
