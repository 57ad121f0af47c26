using System.Net;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>Short forms of common sipp runs, on top of <see cref="SippRunner"/>.</summary>
internal static class Sipp
{
    /// <summary>A background UAS scenario answering as <paramref name="service"/>.</summary>
    public static Task<SippProcess> StartUasAsync(string scenario, string service, CancellationToken cancellationToken) =>
        SippRunner.StartAsync(new SippOptions { Scenario = scenario, Service = service }, cancellationToken);

    /// <summary>A UAC scenario calling <paramref name="service"/> at <paramref name="target"/>, run to its end.</summary>
    public static Task<SippResult> CallAsync(string scenario, IPEndPoint target, string service, CancellationToken cancellationToken) =>
        SippRunner.RunAsync(new SippOptions { Scenario = scenario, Target = target, Service = service }, cancellationToken);

    /// <summary>
    /// REGISTERs <paramref name="user"/> at <paramref name="registrar"/> with <paramref name="contact"/>
    /// (uac-register.xml); <paramref name="expires"/> 0 removes the binding.
    /// </summary>
    public static Task<SippResult> RegisterAsync(
        IPEndPoint registrar, string user, string contact, string? password, CancellationToken cancellationToken, int expires = 300) =>
        SippRunner.RunAsync(
            new SippOptions
            {
                Scenario = "uac-register.xml",
                Target = registrar,
                Service = user,
                AuthUser = password is null ? null : user,
                AuthPassword = password,
                Keys = new Dictionary<string, string> { ["contact"] = contact, ["expires"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            cancellationToken);
}
