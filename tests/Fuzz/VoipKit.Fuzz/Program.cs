using SharpFuzz;

namespace VoipKit.Fuzz;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out Action<ReadOnlySpan<byte>>? target))
        {
            Console.Error.WriteLine($"usage: VoipKit.Fuzz <target>   targets: {string.Join(", ", FuzzTargets.All.Keys)}");
            return 2;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }
}
