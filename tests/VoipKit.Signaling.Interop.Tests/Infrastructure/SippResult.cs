namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>
/// How a sipp run ended: its exit code (0: the call succeeded; 1: it failed; 254/255: sipp could
/// not start) and its logs. <see cref="Describe"/> gives everything for a failure message.
/// </summary>
internal sealed record SippResult(string Scenario, int ExitCode, string MessageLog, string ErrorLog, string Output, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The SIP messages sipp sent and received, in order.</summary>
    public IReadOnlyList<SipLogMessage> Messages => SipLogMessage.Parse(MessageLog);

    /// <summary>The messages as short forms (<c>&gt;INVITE</c>, <c>&lt;200 INVITE</c>), for sequence assertions.</summary>
    public IReadOnlyList<string> Flow => Messages.Select(m => m.Summary).ToList();

    /// <summary>Fails the test with the whole run described unless sipp exited 0.</summary>
    public SippResult AssertSucceeded()
    {
        Assert.True(Succeeded, "sipp run failed:\n" + Describe());
        return this;
    }

    public string Describe() =>
        $"""
        == sipp {Scenario}: exit code {ExitCode}{(TimedOut ? " (killed by the runner's timeout)" : "")}
        == flow: {string.Join(" ", Flow)}
        == error log:
        {Tail(ErrorLog, 4000)}
        == message log:
        {Tail(MessageLog, 12000)}
        == output:
        {Tail(Output, 3000)}
        """;

    private static string Tail(string text, int max) => text.Length <= max ? text : "[...]" + text[^max..];
}
