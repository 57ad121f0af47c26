using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>
/// An embedded SIP registrar and stateless record-routing proxy (RFC 3261 10.3, 16.11) over UDP and TCP on one port:
/// user agents register with digest authentication and call each other through it.
/// </summary>
/// <example>
/// <code>
/// await using SipServer server = await SipServer.StartAsync(new SipServerOptions
/// {
///     Domain = "voipkit.test",
///     Users = new Dictionary&lt;string, string&gt; { ["alice"] = "a-secret", ["bob"] = "b-secret" },
/// });
/// // Agents: Identity sip:alice@voipkit.test, OutboundProxy server.Uri, Registrar sip:voipkit.test.
/// </code>
/// </example>
public sealed partial class SipServer : IAsyncDisposable
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the server publishes on; each server has its own
    /// meter, whose <see cref="System.Diagnostics.Metrics.Meter.Scope"/> is the server.
    /// </summary>
    public const string MeterName = "VoipKit.Server";

    private const int BindAttempts = 10;

    private readonly SipServerIdentity _identity;
    private readonly SipLocationService _location;
    private readonly SipDigestServer _digest;
    private readonly SipServerMetrics _metrics;
    private readonly Sender _sender;
    private readonly ITimer _purgeTimer;
    private readonly ILogger _logger;
    private int _disposed;

    private SipServer(SipServerOptions options, SipUdpTransport? udp, SipStreamTransport? tcp, SipServerCore[] coreSlot, IPEndPoint bound)
    {
        Options = options;
        TimeProvider time = options.TimeProvider ?? TimeProvider.System;
        _logger = options.LoggerFactory?.CreateLogger<SipServer>() ?? NullLogger<SipServer>.Instance;
        _sender = new Sender(udp, tcp);
        string host = options.AdvertisedHost ?? FormatHost(bound.Address);
        _identity = new SipServerIdentity(options.Domain, host, bound.Port, [bound.Address]);
        _location = new SipLocationService(time, options.MaxBindingsPerAddressOfRecord);
        _digest = new SipDigestServer(FindSecret, time);
        _metrics = new SipServerMetrics(() => _location.Count, this);
        Volatile.Write(ref coreSlot[0], new SipServerCore(options, _identity, _location, _digest, _metrics, _sender, time, _logger));
        _purgeTimer = time.CreateTimer(_ => _location.Purge(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        Uri = SipUri.Parse("sip:" + _identity.SentBy);
    }

    /// <summary>The options the server runs with.</summary>
    public SipServerOptions Options { get; }

    /// <summary>The bound UDP endpoint, or null when UDP is off.</summary>
    public IPEndPoint? UdpEndPoint => _sender.Udp?.LocalEndPoint;

    /// <summary>The bound TCP endpoint, or null when TCP is off.</summary>
    public IPEndPoint? TcpEndPoint => _sender.Tcp?.LocalEndPoint;

    /// <summary>The port both transports listen on.</summary>
    public int Port => _identity.Port;

    /// <summary>
    /// The server's own URI (<c>sip:host:port</c>): give it to agents as their outbound proxy (add
    /// <c>;transport=tcp</c> for TCP). Record-Route entries name the same host and port.
    /// </summary>
    public SipUri Uri { get; }

    /// <summary>Counters (registrations, forwarded requests and responses...).</summary>
    public SipServerStatistics Statistics => _metrics.Statistics;

    /// <summary>Starts listening and returns the running server.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The server; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public static async Task<SipServer> StartAsync(SipServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var transportOptions = (options.TransportOptions ?? new SipTransportOptions()) with
        {
            TimeProvider = options.TimeProvider ?? options.TransportOptions?.TimeProvider,
            LoggerFactory = options.LoggerFactory ?? options.TransportOptions?.LoggerFactory,
        };

        // The transports exist before the core (it needs the bound port); the handler reads the core from this slot.
        var coreSlot = new SipServerCore[1];
        SipMessageHandler handler = (received, ct) =>
            Volatile.Read(ref coreSlot[0]) is { } core
                ? core.HandleAsync(received.Message, new SipFlow(received.Transport.Protocol, received.RemoteEndPoint), ct)
                : ValueTask.CompletedTask;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SipUdpTransport? udp = null;
            SipStreamTransport? tcp = null;
            try
            {
                IPEndPoint endPoint = options.ListenEndPoint;
                if (options.Udp)
                {
                    udp = new SipUdpTransport(endPoint, handler, transportOptions);
                    await udp.StartAsync(cancellationToken).ConfigureAwait(false);
                    endPoint = udp.LocalEndPoint;
                }

                if (options.Tcp)
                {
                    tcp = new SipStreamTransport(endPoint, handler, transportOptions);
                    await tcp.StartAsync(cancellationToken).ConfigureAwait(false);
                    endPoint = tcp.LocalEndPoint;
                }

                return new SipServer(options, udp, tcp, coreSlot, endPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && options.ListenEndPoint.Port == 0 && attempt < BindAttempts)
            {
                // The ephemeral UDP port is taken on TCP: try another one.
                await DisposeQuietlyAsync(udp, tcp).ConfigureAwait(false);
            }
            catch
            {
                await DisposeQuietlyAsync(udp, tcp).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The address of record of a user of this domain: <c>sip:user@Domain</c>.</summary>
    /// <param name="user">The user name.</param>
    /// <returns>The URI.</returns>
    public SipUri AddressOfRecord(string user) => SipUri.Create(Options.Domain, user);

    /// <summary>The contacts currently registered for a user, the one calls go to first.</summary>
    /// <param name="user">The user name.</param>
    /// <returns>The contact URIs (empty when none).</returns>
    public IReadOnlyList<SipUri> GetBindings(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? aor = _identity.AddressOfRecord(AddressOfRecord(user));
        return aor is null ? [] : [.. _location.Lookup(aor).Select(b => b.Contact)];
    }

    /// <summary>Stops listening and forgets every binding.</summary>
    /// <returns>A task that completes when the transports are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _purgeTimer.DisposeAsync().ConfigureAwait(false);
        await DisposeQuietlyAsync(_sender.Udp, _sender.Tcp).ConfigureAwait(false);
        _digest.Dispose();
        _identity.Dispose();
        _metrics.Dispose();
        LogStopped(_logger, Uri);
    }

    private static async ValueTask DisposeQuietlyAsync(SipUdpTransport? udp, SipStreamTransport? tcp)
    {
        if (udp is not null)
        {
            await udp.DisposeAsync().ConfigureAwait(false);
        }

        if (tcp is not null)
        {
            await tcp.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();

    private SipDigestSecret? FindSecret(string user, string realm)
    {
        if (Options.CredentialStore is { } store)
        {
            return store.FindSecret(user, realm);
        }

        return Options.Users!.TryGetValue(user, out string? password) ? SipDigestSecret.FromPassword(password) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP server {Uri} stopped")]
    private static partial void LogStopped(ILogger logger, SipUri uri);

    /// <summary>Sends over the transport of the flow's protocol.</summary>
    private sealed class Sender : ISipServerSender
    {
        public Sender(SipUdpTransport? udp, SipStreamTransport? tcp)
        {
            Udp = udp;
            Tcp = tcp;
        }

        public SipUdpTransport? Udp { get; }

        public SipStreamTransport? Tcp { get; }

        public bool Supports(SipTransportProtocol protocol) =>
            protocol == SipTransportProtocol.Udp ? Udp is not null : protocol == SipTransportProtocol.Tcp && Tcp is not null;

        public bool HasConnection(SipFlow flow) =>
            flow.Protocol != SipTransportProtocol.Tcp || (Tcp is not null && Tcp.HasConnection(flow.RemoteEndPoint));

        public ValueTask SendAsync(SipMessage message, SipFlow flow, CancellationToken cancellationToken)
        {
            ISipTransport transport = flow.Protocol == SipTransportProtocol.Tcp
                ? Tcp ?? throw new SipTransportException("TCP is not enabled on this server.")
                : Udp ?? throw new SipTransportException("UDP is not enabled on this server.");
            return transport.SendAsync(message, flow.RemoteEndPoint, cancellationToken);
        }
    }
}
