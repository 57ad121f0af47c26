using System.Net;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>One sipp run: a scenario from the Sipp/ folder and the command-line values it needs.</summary>
internal sealed record SippOptions
{
    /// <summary>Scenario file name in Sipp/ (copied to the output), e.g. <c>uac-call-bye.xml</c>.</summary>
    public required string Scenario { get; init; }

    /// <summary>Where a UAC scenario sends its requests (a proxy or the UA under test). Null for a UAS.</summary>
    public IPEndPoint? Target { get; init; }

    /// <summary>The user part sipp uses for [service] (Request-URI of a UAC, Contact of a UAS): <c>-s</c>.</summary>
    public string Service { get; init; } = "service";

    /// <summary>Local SIP port (<c>-p</c>); null picks a free one.</summary>
    public int? LocalPort { get; init; }

    /// <summary>Digest credentials for [authentication] (<c>-au</c>/<c>-ap</c>); both or neither.</summary>
    public string? AuthUser { get; init; }

    public string? AuthPassword { get; init; }

    /// <summary>Scenario keywords (<c>-key NAME VALUE</c>), e.g. <c>contact</c> and <c>expires</c> for uac-register.xml.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>TCP instead of UDP (<c>-t t1</c>).</summary>
    public bool Tcp { get; init; }

    /// <summary>sipp's own global timeout (<c>-timeout</c>, with <c>-timeout_error</c>); the runner kills it 5 s later.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Anything else for the sipp command line.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
