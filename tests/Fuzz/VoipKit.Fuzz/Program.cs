namespace VoipKit.Fuzz;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: VoipKit.Fuzz <target>");
        return args.Length == 0 ? 2 : 0;
    }
}
