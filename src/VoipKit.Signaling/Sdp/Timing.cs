namespace VoipKit.Signaling.Sdp;

/// <summary>A <c>t=</c> line and the <c>r=</c> lines that follow it (RFC 8866 sections 5.9 and 5.10).</summary>
public sealed record Timing
{
    /// <summary>The start time in NTP seconds; 0 for an unbounded session (what calls use).</summary>
    public ulong Start { get; init; }

    /// <summary>The stop time in NTP seconds; 0 for an unbounded session.</summary>
    public ulong Stop { get; init; }

    /// <summary>The values of the <c>r=</c> lines after this <c>t=</c> line, verbatim (calls never use them).</summary>
    public IReadOnlyList<string> Repeats { get; init; } = [];
}
