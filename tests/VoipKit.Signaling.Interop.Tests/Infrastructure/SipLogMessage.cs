namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>One SIP message from a sipp <c>-trace_msg</c> message log, as sent or received by sipp.</summary>
internal sealed record SipLogMessage(bool Sent, string Text)
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

    /// <summary>
    /// Splits a sipp message log. Each entry starts with a dashed line and a timestamp, then
    /// "UDP message sent (N bytes):" or "UDP message received [N] bytes :", a blank line and the message.
    /// </summary>
    public static IReadOnlyList<SipLogMessage> Parse(string log)
    {
        var messages = new List<SipLogMessage>();
        foreach (var entry in log.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n-----------------------------------------------"))
        {
            var lines = entry.Split('\n');
            var header = Array.FindIndex(lines, l => l.Contains(" message sent", StringComparison.Ordinal) || l.Contains(" message received", StringComparison.Ordinal));
            if (header < 0)
            {
                continue;
            }

            var body = string.Join('\n', lines.Skip(header + 1)).Trim('\n');
            if (body.Length > 0)
            {
                messages.Add(new SipLogMessage(lines[header].Contains(" sent", StringComparison.Ordinal), body));
            }
        }

        return messages;
    }
}
