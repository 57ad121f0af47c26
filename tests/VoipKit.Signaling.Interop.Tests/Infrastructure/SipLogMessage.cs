using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>One SIP message from a sipp <c>-trace_msg</c> message log, as sent or received by sipp.</summary>
internal sealed partial record SipLogMessage(bool Sent, string Text)
{
    /// <summary>The request or status line, e.g. <c>BYE sip:bob@127.0.0.1:5070 SIP/2.0</c> or <c>SIP/2.0 200 OK</c>.</summary>
    public string StartLine => Lines[0];

    public bool IsResponse => StartLine.StartsWith("SIP/2.0 ", StringComparison.Ordinal);

    /// <summary>The method of a request; for a response, the method of its CSeq.</summary>
    public string Method => IsResponse ? (Header("CSeq")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "") : StartLine.Split(' ')[0];

    /// <summary>The status code of a response, 0 for a request.</summary>
    public int StatusCode => IsResponse && int.TryParse(StartLine.AsSpan(8, 3), out var code) ? code : 0;

    /// <summary>Short form for sequences in assertions: <c>&gt;INVITE</c>, <c>&lt;200 INVITE</c> (&gt; sent by sipp, &lt; received).</summary>
    public string Summary => (Sent ? ">" : "<") + (IsResponse ? $"{StatusCode} {Method}" : Method);

    private string[] Lines => Text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Every value of a header (full name, case-insensitive), in message order.</summary>
    public IReadOnlyList<string> Headers(string name)
    {
        var values = new List<string>();
        foreach (var line in Lines.Skip(1).TakeWhile(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(line[(colon + 1)..].Trim());
            }
        }

        return values;
    }

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name) => Headers(name) is [var first, ..] ? first : null;

    public override string ToString() => Text;

    /// <summary>The exact bytes sipp sent or received, parsed by VoipKit's SIP parser.</summary>
    public SipMessage Parse() => SipMessage.Parse(Encoding.UTF8.GetBytes(Text));

    /// <summary>
    /// Splits a sipp message log. Each entry is a dashed line with a timestamp, then
    /// "UDP message sent (N bytes):" or "UDP message received [N] bytes :", a blank line and the
    /// N bytes of the message exactly as on the wire (CRLF line ends).
    /// </summary>
    public static IReadOnlyList<SipLogMessage> Parse(string log)
    {
        var messages = new List<SipLogMessage>();
        foreach (Match entry in EntryHeader().Matches(log))
        {
            var start = entry.Index + entry.Length;
            var length = Math.Min(int.Parse(entry.Groups["length"].ValueSpan, CultureInfo.InvariantCulture), log.Length - start);
            messages.Add(new SipLogMessage(entry.Groups["direction"].ValueSpan is "sent", log.Substring(start, length)));
        }

        return messages;
    }

    [GeneratedRegex(@"^(UDP|TCP|TLS|SCTP) message (?<direction>sent|received) (\((?<length>[0-9]+) bytes\)|\[(?<length>[0-9]+)\] bytes ?):\n\n", RegexOptions.Multiline)]
    private static partial Regex EntryHeader();
}
