using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VoipKit.Samples.Softphone;

/// <summary>
/// The softphone's output: one line per event, <c>[mm:ss.fff] topic: text</c>, from whichever thread saw it (SDK events
/// come on network and timer threads), never interleaved.
/// </summary>
internal static class Report
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static readonly Lock Gate = new();

    public static void Line(string topic, string text) => Write($"{topic}: {text}");

    /// <summary>A command from a script or piped input, as "> command".</summary>
    public static void Command(string command) => Write("> " + command);

    private static void Write(string text)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"[{Clock.Elapsed:mm\\:ss\\.fff}] {text}");
        lock (Gate)
        {
            Console.Out.WriteLine(line);
        }
    }

    public static void Error(string text) => Line("error", text);

    /// <summary>A safety number in groups of five digits, as Signal shows it.</summary>
    public static string Groups(string safetyNumber)
    {
        var text = new StringBuilder(safetyNumber.Length + (safetyNumber.Length / 5));
        for (int i = 0; i < safetyNumber.Length; i += 5)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(safetyNumber.AsSpan(i, Math.Min(5, safetyNumber.Length - i)));
        }

        return text.ToString();
    }

    /// <summary>One line of call statistics.</summary>
    public static string Describe(CallStatistics s)
    {
        double receivedKbps = s.Duration > TimeSpan.Zero ? s.BytesReceived * 8 / s.Duration.TotalSeconds / 1000 : 0;
        string rtt = s.RoundTripTime is { } r ? r.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "-";
        string path = s.Path is { } p ? p.ToString() : "none yet";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Duration:mm\\:ss} | send {s.SendBitrate / 1000.0:F1} kbit/s{(s.InbandFec ? " +FEC" : string.Empty)}, {s.PacketsSent} packets | " +
            $"recv {receivedKbps:F1} kbit/s, {s.PacketsReceived} packets, lost {s.PacketsLost}, rejected {s.PacketsRejected}, peer lost {s.RemoteFractionLost:P1} | " +
            $"jitter {s.Jitter.TotalMilliseconds:F1} ms, jitter buffer {s.JitterBufferDelay.TotalMilliseconds:F0} ms, concealed {s.ConcealmentRatio:P2} | " +
            $"rtt {rtt} | MOS {s.MosEstimate:F2} | {s.Security} | path {path}{(s.BytesRelayed > 0 ? $" ({s.BytesRelayed} bytes relayed)" : string.Empty)}");
    }
}
