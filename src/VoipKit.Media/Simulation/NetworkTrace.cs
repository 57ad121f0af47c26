using System.Globalization;

namespace VoipKit.Media.Simulation;

/// <summary>
/// A recorded per-packet behaviour to replay: for each packet in turn, its one-way delay or
/// its loss. The trace repeats when the packets outnumber its entries.
/// </summary>
public sealed class NetworkTrace
{
    private readonly double[] _delaysMs; // NaN marks a lost packet

    private NetworkTrace(double[] delaysMs) => _delaysMs = delaysMs;

    /// <summary>How many packets the trace describes before it repeats.</summary>
    public int Count => _delaysMs.Length;

    /// <summary>
    /// Parses a CSV trace: one packet per line, either a delay in milliseconds or <c>lost</c>
    /// (also <c>loss</c> or <c>-1</c>). When a line has several comma-separated columns the last
    /// one is used, so <c>seq,delay_ms</c> files work. Blank lines, <c>#</c> comments and a
    /// non-numeric header line are skipped.
    /// </summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="maxEntries">A bound on the entries read, so a huge file cannot exhaust memory.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="FormatException">A line is neither a delay nor a loss marker, a delay is negative or above 60 s, or the trace is empty.</exception>
    public static NetworkTrace Parse(TextReader reader, int maxEntries = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var delays = new List<double>();
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            string field = line.Trim();
            if (field.Length == 0 || field[0] == '#')
            {
                continue;
            }

            int comma = field.LastIndexOf(',');
            if (comma >= 0)
            {
                field = field[(comma + 1)..].Trim();
            }

            if (field.Equals("lost", StringComparison.OrdinalIgnoreCase) || field.Equals("loss", StringComparison.OrdinalIgnoreCase) || field == "-1")
            {
                delays.Add(double.NaN);
            }
            else if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
            {
                if (!(ms >= 0 && ms <= 60_000))
                {
                    throw new FormatException($"Trace line {lineNumber}: delay {ms} ms is outside 0-60000.");
                }

                delays.Add(ms);
            }
            else if (delays.Count == 0 && lineNumber == 1)
            {
                continue; // a header line
            }
            else
            {
                throw new FormatException($"Trace line {lineNumber}: '{line}' is neither a delay in ms nor 'lost'.");
            }

            if (delays.Count > maxEntries)
            {
                throw new FormatException($"The trace has more than {maxEntries} entries.");
            }
        }

        return delays.Count == 0 ? throw new FormatException("The trace has no entries.") : new NetworkTrace([.. delays]);
    }

    /// <summary>Builds a trace from delays in milliseconds, <see cref="double.NaN"/> meaning lost.</summary>
    /// <param name="delaysMs">The per-packet delays.</param>
    /// <returns>The trace.</returns>
    public static NetworkTrace FromDelays(IEnumerable<double> delaysMs)
    {
        double[] d = [.. delaysMs];
        if (d.Length == 0 || d.Any(x => !double.IsNaN(x) && !(x >= 0 && x <= 60_000)))
        {
            throw new ArgumentException("A trace needs at least one entry, each a delay of 0-60000 ms or NaN for a loss.", nameof(delaysMs));
        }

        return new NetworkTrace(d);
    }

    /// <summary>The delay of packet <paramref name="index"/>, or <see langword="null"/> when it is lost.</summary>
    /// <param name="index">The packet's index since the link started.</param>
    /// <returns>The delay or null.</returns>
    public TimeSpan? DelayOf(long index)
    {
        double ms = _delaysMs[index % _delaysMs.Length];
        return double.IsNaN(ms) ? null : TimeSpan.FromMilliseconds(ms);
    }
}
