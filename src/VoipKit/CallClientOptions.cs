namespace VoipKit;

/// <summary>
/// The settings of a <see cref="CallClient"/>: the account, the servers, NAT traversal, media security and audio. A plain
/// class with settable properties, so that it binds from <c>IConfiguration</c>
/// (<c>configuration.GetSection("Voip").Get&lt;CallClientOptions&gt;()</c>).
/// </summary>
public sealed class CallClientOptions
{
    /// <summary>The account's address of record, for example <c>sip:alice@example.com</c> (required).</summary>
    public string AddressOfRecord { get; set; } = string.Empty;

    /// <summary>The name shown to the people this client calls, or null.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The user name for digest authentication; the user part of <see cref="AddressOfRecord"/> when null.</summary>
    public string? Username { get; set; }

    /// <summary>The password for digest authentication, or null when the server does not challenge.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The realm the credentials are for: they answer challenges of this realm only, so that no other server (nor the
    /// peer of a call) can collect password digests. Null answers any realm, which only a trusted network should allow.
    /// </summary>
    public string? Realm { get; set; }

    /// <summary>
    /// Where every request goes first, for example <c>sip:proxy.example.com:5060;transport=tcp</c>; null sends requests
    /// to the domain of the address of record (or the target).
    /// </summary>
    public string? OutboundProxy { get; set; }

    /// <summary>The registrar; the domain of <see cref="AddressOfRecord"/> when null.</summary>
    public string? Registrar { get; set; }

    /// <summary>The SIP transport: <c>udp</c> (the default), <c>tcp</c> or <c>tls</c>.</summary>
    public string Transport { get; set; } = "udp";

    /// <summary>
    /// The local IP address for SIP and media (for example <c>127.0.0.1</c> in tests); null listens on every address and
    /// offers a media candidate on each interface that is up.
    /// </summary>
    public string? LocalAddress { get; set; }

    /// <summary>The local SIP port; 0 (the default) lets the system pick.</summary>
    public int SipPort { get; set; }

    /// <summary>Whether <see cref="CallClient.StartAsync"/> registers (the default); false for a client that only places calls.</summary>
    public bool Register { get; set; } = true;

    /// <summary>How long a registration should last; the registrar may grant less. Refreshed before it runs out.</summary>
    public TimeSpan RegistrationExpires { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// RFC 8599 push notification provider (<c>pn-provider</c>, for example <c>apns</c> or <c>fcm</c>): with
    /// <see cref="PushToken"/>, the registration asks the proxy to wake the app by a push when a call comes in while it
    /// is in the background. Null registers without push parameters.
    /// </summary>
    public string? PushProvider { get; set; }

    /// <summary>The device's push token (<c>pn-prid</c>), with <see cref="PushProvider"/>.</summary>
    public string? PushToken { get; set; }

    /// <summary>The provider-specific parameter (<c>pn-param</c>, for example the APNs topic), or null.</summary>
    public string? PushParameter { get; set; }

    /// <summary>STUN and TURN servers for NAT traversal.</summary>
    public IList<IceServer> IceServers { get; } = [];

    /// <summary>Which paths ICE may use: all (the default) or relayed only.</summary>
    public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

    /// <summary>
    /// Supplies short-lived TURN credentials when a call needs them (for example from the app's backend, TURN REST API
    /// style); null uses the <see cref="IceServer.Username"/> and <see cref="IceServer.Credential"/> configured.
    /// </summary>
    public Func<IceServer, CancellationToken, ValueTask<IceServerCredentials>>? TurnCredentialProvider { get; set; }

    /// <summary>What media protection calls must have: end-to-end only (the default) or hop-by-hop allowed for standard phones.</summary>
    public MediaSecurityPolicy MediaSecurity { get; set; } = MediaSecurityPolicy.EndToEndOnly;

    /// <summary>
    /// A folder holding this device's Signal identity, prekeys and sessions (created on first use), so that the identity
    /// and sessions survive restarts; null keeps them in memory with a new identity per client.
    /// </summary>
    public string? SignalStorePath { get; set; }

    /// <summary>This device's id within the account (1 for the first device).</summary>
    public uint DeviceId { get; set; } = 1;

    /// <summary>How many one-time prekeys to publish at start.</summary>
    public int OneTimePreKeyCount { get; set; } = 50;

    /// <summary>How long an incoming call rings before it is declined as unanswered (408 Request Timeout).</summary>
    public TimeSpan IncomingCallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many incoming calls may wait for the app at once; more are answered 486 Busy Here.</summary>
    public int IncomingCallQueueLength { get; set; } = 8;

    /// <summary>How long ICE may take to find a path once the call is answered.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Opus, jitter buffer and bitrate settings.</summary>
    public CallAudioOptions Audio { get; set; } = new();

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AddressOfRecord) || !Signaling.Messages.SipUri.TryParse(AddressOfRecord, out var aor) || aor.User is null)
        {
            throw new ArgumentException($"AddressOfRecord must be a SIP URI with a user, such as sip:alice@example.com (got '{AddressOfRecord}').", nameof(AddressOfRecord));
        }

        if (Transport is not ("udp" or "tcp" or "tls"))
        {
            throw new ArgumentException($"Transport must be udp, tcp or tls (got '{Transport}').", nameof(Transport));
        }

        if (LocalAddress is { Length: > 0 } local && !System.Net.IPAddress.TryParse(local, out _))
        {
            throw new ArgumentException($"LocalAddress must be an IP address (got '{LocalAddress}').", nameof(LocalAddress));
        }

        if ((PushProvider is null) != (PushToken is null))
        {
            throw new ArgumentException("PushProvider and PushToken go together.", nameof(PushToken));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(OneTimePreKeyCount, 1, nameof(OneTimePreKeyCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(OneTimePreKeyCount, 1000, nameof(OneTimePreKeyCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(IncomingCallQueueLength, 1, nameof(IncomingCallQueueLength));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IncomingCallTimeout, TimeSpan.Zero, nameof(IncomingCallTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(SipPort, 0, nameof(SipPort));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SipPort, 65535, nameof(SipPort));
        if (DeviceId is 0 or > 4)
        {
            throw new ArgumentException("DeviceId must be between 1 and 4.", nameof(DeviceId));
        }

        foreach (IceServer server in IceServers)
        {
            if (!IceServerUrl.TryParse(server.Url, out _))
            {
                throw new ArgumentException($"Not a stun: or turn: URL: '{server.Url}'.", nameof(IceServers));
            }
        }

        Audio.Validate();
    }
}
