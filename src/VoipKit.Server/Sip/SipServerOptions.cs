using System.Net;
using Microsoft.Extensions.Logging;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>Settings of a <see cref="SipServer"/> (registrar and record-routing proxy).</summary>
public sealed record SipServerOptions
{
    /// <summary>The SIP domain served, e.g. <c>voipkit.test</c>: addresses of record are <c>sip:user@Domain</c>.</summary>
    public required string Domain { get; init; }

    /// <summary>The digest realm; <see cref="Domain"/> when null.</summary>
    public string? Realm { get; init; }

    /// <summary>
    /// The address and port to listen on. UDP and TCP share the port; with port 0 an ephemeral port free for both is
    /// chosen. Defaults to 127.0.0.1:0.
    /// </summary>
    public IPEndPoint ListenEndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Whether to listen on UDP (default true).</summary>
    public bool Udp { get; init; } = true;

    /// <summary>Whether to listen on TCP (default true).</summary>
    public bool Tcp { get; init; } = true;

    /// <summary>
    /// The host written into Via and Record-Route; the listen address when null. Required when listening on any address.
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>Users by name with their passwords. Either this or <see cref="CredentialStore"/> must be given.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>A user look-up (used instead of <see cref="Users"/> when given).</summary>
    public ISipCredentialStore? CredentialStore { get; init; }

    /// <summary>The digest algorithm of the challenges (SHA-256 by default; MD5 for old clients).</summary>
    public SipDigestAlgorithm Algorithm { get; init; } = SipDigestAlgorithm.Sha256;

    /// <summary>The shortest registration accepted (423 Interval Too Brief below it, RFC 3261 10.3). 60 s by default.</summary>
    public TimeSpan MinExpires { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest registration granted; longer requests are shortened. One hour by default.</summary>
    public TimeSpan MaxExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The expiry when a REGISTER names none (no Contact expires, no Expires header). One hour by default.</summary>
    public TimeSpan DefaultExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Bindings kept per address of record; a REGISTER adding more gets 403. 10 by default.</summary>
    public int MaxBindingsPerAddressOfRecord { get; init; } = 10;

    /// <summary>Transport limits (connection caps, timeouts); defaults when null.</summary>
    public SipTransportOptions? TransportOptions { get; init; }

    /// <summary>The clock (registration expiry, nonces); <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Logging; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The realm in use.</summary>
    internal string EffectiveRealm => Realm ?? Domain;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Domain, nameof(Domain));
        ArgumentNullException.ThrowIfNull(ListenEndPoint, nameof(ListenEndPoint));
        if (!Udp && !Tcp)
        {
            throw new ArgumentException("At least one of UDP and TCP must be enabled.", nameof(Udp));
        }

        if (Users is null && CredentialStore is null)
        {
            throw new ArgumentException("Users or a CredentialStore is required: the server authenticates every user.", nameof(Users));
        }

        bool anyAddress = ListenEndPoint.Address.Equals(IPAddress.Any) || ListenEndPoint.Address.Equals(IPAddress.IPv6Any);
        if (anyAddress && string.IsNullOrWhiteSpace(AdvertisedHost))
        {
            throw new ArgumentException("AdvertisedHost is required when listening on any address.", nameof(AdvertisedHost));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinExpires, TimeSpan.FromSeconds(1), nameof(MinExpires));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxExpires, MinExpires, nameof(MaxExpires));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultExpires, MinExpires, nameof(DefaultExpires));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBindingsPerAddressOfRecord, 1, nameof(MaxBindingsPerAddressOfRecord));
    }
}
