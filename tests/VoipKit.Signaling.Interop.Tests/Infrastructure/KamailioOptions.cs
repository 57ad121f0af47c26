namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>How <see cref="KamailioServer"/> runs Kamailio.</summary>
internal sealed record KamailioOptions
{
    /// <summary>alice / secret-a and bob / secret-b.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultUsers = new Dictionary<string, string>
    {
        ["alice"] = "secret-a",
        ["bob"] = "secret-b",
    };

    /// <summary>
    /// Digest authentication (<c>-A WITH_AUTH</c>): 401 for REGISTER, 407 for other out-of-dialog
    /// requests, realm <see cref="KamailioServer.Realm"/>, users from <see cref="Users"/>.
    /// </summary>
    public bool WithAuth { get; init; }

    /// <summary>User name to password, written into the db_text subscriber table when <see cref="WithAuth"/>.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = DefaultUsers;

    /// <summary>Config template path; null for Kamailio/kamailio.cfg next to the tests. Placeholders: {{PORT}}, {{MPATH}}, {{DBDIR}}.</summary>
    public string? ConfigTemplate { get; init; }

    /// <summary>
    /// Kamailio is ended after this long even if nobody disposes it (the test host crashed):
    /// a backstop, far above any test's own time bound.
    /// </summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long Kamailio may take to answer the readiness OPTIONS.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
