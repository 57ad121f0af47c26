using VoipKit.Crypto.Signal;

namespace VoipKit;

/// <summary>
/// Where devices publish their prekeys and callers fetch them (the Signal protocol's key server). The directory only
/// ever sees public keys; the client verifies every bundle's signature whatever the directory says, so a directory can
/// deny service but cannot read calls. Implementations: <see cref="InMemoryPreKeyDirectory"/> (tests, one process),
/// the embedded server's directory, or a standalone service beside Kamailio.
/// </summary>
public interface IPreKeyDirectory
{
    /// <summary>Publishes (or replaces) a device's identity key and signed prekey and adds its one-time prekeys.</summary>
    /// <param name="keys">The device's public keys.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the directory has stored the keys.</returns>
    Task PublishAsync(DevicePreKeys keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches one bundle per device of <paramref name="addressOfRecord"/>, each with one one-time prekey when the
    /// device has any left (handed out to this caller only, never again), lowest device id first.
    /// </summary>
    /// <param name="addressOfRecord">The account, as <c>user@domain</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bundles; empty when the account published nothing.</returns>
    Task<IReadOnlyList<PreKeyBundle>> FetchAsync(string addressOfRecord, CancellationToken cancellationToken = default);
}
