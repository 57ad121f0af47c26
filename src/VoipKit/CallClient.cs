using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Audio;
using VoipKit.Crypto.Signal;
using VoipKit.Signaling.Authentication;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;
using VoipKit.Signaling.UserAgent;

namespace VoipKit;

/// <summary>
/// The one object an app needs for end-to-end encrypted calls: it registers the account, publishes its prekeys, places
/// calls (<see cref="CreateCall"/>) and delivers incoming ones (<see cref="IncomingCalls"/>). One client carries any
/// number of calls at once.
/// </summary>
/// <example>
/// <code>
/// await using var client = new CallClient(new CallClientOptions { AddressOfRecord = "sip:alice@example.com", Password = "..." }, directory);
/// await client.StartAsync(ct);
/// await using Call call = client.CreateCall("bob@example.com", microphone, speaker);
/// await call.ConnectAsync(ct);
/// </code>
/// </example>
public sealed partial class CallClient : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IPreKeyDirectory _directory;
    private readonly ISignalProtocolStore _store;
    private readonly EndToEndKeys _keys;
    private readonly Channel<IncomingCall> _incoming;
    private readonly Lock _gate = new();
    private readonly List<Call> _calls = [];
    private readonly SipUri _aor;
    private readonly CallClientNetwork _network;
    private SipUserAgent? _agent;
    private SipRegistration? _registration;
    private IDisposable? _addressWatch;
    private CallContext? _context;
    private RegistrationState _registrationState;
    private int _started;
    private int _stopped;

    /// <summary>Creates a client; nothing is sent until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The account, servers and policies; checked here.</param>
    /// <param name="directory">Where prekeys are published and fetched.</param>
    /// <param name="loggerFactory">Where logs go; none when null.</param>
    /// <param name="timeProvider">The clock for every timer; the system clock when null (a fake one in tests).</param>
    /// <exception cref="ArgumentException">A bad setting, named.</exception>
    public CallClient(CallClientOptions options, IPreKeyDirectory directory, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, directory, loggerFactory, timeProvider, CallClientNetwork.Real)
    {
    }

    /// <summary>A client on another network than the machine's sockets (virtual-time tests).</summary>
    internal CallClient(CallClientOptions options, IPreKeyDirectory directory, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, CallClientNetwork network)
    {
        _network = network;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        options.Validate();
        Options = options;
        _directory = directory;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<CallClient>();
        _time = timeProvider ?? TimeProvider.System;
        _aor = SipUri.Parse(options.AddressOfRecord);
        AddressOfRecord = AddressOf(_aor);
        _store = OpenStore(options.SignalStorePath);
        _keys = new EndToEndKeys(_store, directory, AddressOfRecord, options.DeviceId, _time, _loggers.CreateLogger<EndToEndKeys>());
        _incoming = Channel.CreateBounded<IncomingCall>(new BoundedChannelOptions(options.IncomingCallQueueLength)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the call gets 486
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>Raised (on a network or timer thread, outside any SDK lock) when <see cref="RegistrationState"/> changes.</summary>
    public event EventHandler<RegistrationState>? RegistrationStateChanged;

    /// <summary>The settings.</summary>
    public CallClientOptions Options { get; }

    /// <summary>This account as <c>user@domain</c>.</summary>
    public string AddressOfRecord { get; }

    /// <summary>Where the client's registration stands.</summary>
    public RegistrationState RegistrationState
    {
        get
        {
            lock (_gate)
            {
                return _registrationState;
            }
        }
    }

    /// <summary>
    /// Incoming calls, in arrival order. The SIP stack never waits for the app: a call that finds the queue full is
    /// answered 486 Busy Here, and one left unanswered is declined after <see cref="CallClientOptions.IncomingCallTimeout"/>.
    /// </summary>
    public ChannelReader<IncomingCall> IncomingCalls => _incoming.Reader;

    /// <summary>
    /// Asked when a peer presents an identity key other than the one trusted before (trust on first use): return true to
    /// accept the new key. When null, or when it returns false, the call is refused with
    /// <see cref="CallEndReason.SecurityRefused"/>.
    /// </summary>
    public Func<IdentityKeyChange, CancellationToken, ValueTask<bool>>? IdentityKeyChanged
    {
        get => _keys.IdentityKeyChanged;
        set => _keys.IdentityKeyChanged = value;
    }

    /// <summary>This device's identity key in Signal's serialized form (33 bytes), for display or out-of-band comparison.</summary>
    public ReadOnlyMemory<byte> IdentityKey => _store.GetIdentityKeyPair().PublicKey.Serialized.ToArray();

    /// <summary>The calls in progress.</summary>
    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The local SIP address and port (once started).</summary>
    public IPEndPoint? SipEndPoint => _agent?.LocalEndPoint;

    /// <summary>Starts SIP, publishes this device's prekeys and registers (when <see cref="CallClientOptions.Register"/>).</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes when the client is registered.</returns>
    /// <exception cref="RegistrationException">The registrar refused the credentials or did not answer.</exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The client was already started.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        IceSettings ice = await IceSettings.ResolveAsync(Options, _network.HostAddresses, cancellationToken).ConfigureAwait(false);
        _agent = new SipUserAgent(AgentOptions(), _network.SipTransport);
        _context = new CallContext
        {
            Agent = _agent,
            Keys = _keys,
            Ice = ice,
            Network = _network,
            Options = Options,
            Time = _time,
            Loggers = _loggers,
            LocalAor = AddressOfRecord,
            CreateRelays = ct => CreateRelaysAsync(ice, ct),
            Track = Track,
            Forget = Forget,
        };
        _agent.IncomingCall = OnIncomingCallAsync;
        await _agent.StartAsync(cancellationToken).ConfigureAwait(false);
        await _keys.PublishAsync(Options.OneTimePreKeyCount, cancellationToken).ConfigureAwait(false);
        if (Options.Register)
        {
            await RegisterAsync(cancellationToken).ConfigureAwait(false);
            _addressWatch = _network.WatchAddressChanges(OnAddressChanged);
        }

        LogStarted(_logger, AddressOfRecord, _agent.LocalEndPoint);
    }

    /// <summary>Prepares a call to <paramref name="target"/>; <see cref="Call.ConnectAsync"/> places it.</summary>
    /// <param name="target">Who to call: <c>sip:bob@example.com</c>, <c>bob@example.com</c>, or <c>bob</c> in this account's domain.</param>
    /// <param name="source">What this side says (microphone, file, test signal); owned by the app.</param>
    /// <param name="sink">Where the peer's audio goes (speaker, file); owned by the app.</param>
    /// <returns>The call, not yet connected.</returns>
    /// <exception cref="InvalidOperationException">The client is not started.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not a SIP address with a user.</exception>
    public Call CreateCall(string target, IAudioSource source, IAudioSink sink)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        CallContext context = _context ?? throw new InvalidOperationException("Start the client before placing calls.");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        string remote = NormalizeTarget(target);
        if (!SipUri.TryParse("sip:" + remote, out SipUri? uri) || string.IsNullOrEmpty(uri.User) || remote.Count(c => c == '@') != 1)
        {
            throw new ArgumentException($"Not a callable address: '{target}' (expected sip:user@domain, user@domain or user).", nameof(target));
        }

        var call = new Call(context, CallDirection.Outgoing, remote, source, sink);
        Track(call);
        return call;
    }

    /// <summary>Hangs up every call, declines the calls still ringing, un-registers and stops SIP. The keys stay in the store.</summary>
    /// <param name="cancellationToken">Cancels waiting for the registrar.</param>
    /// <returns>A task that completes when the client is stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _addressWatch?.Dispose();
        _incoming.Writer.TryComplete();
        while (_incoming.Reader.TryRead(out IncomingCall? ringing))
        {
            ringing.Dispose(); // 480
        }

        foreach (Call call in Calls)
        {
            await call.EndAsync(new CallEnd(CallEndReason.ClientStopped, null, "the client stopped"), sendBye: true).ConfigureAwait(false);
        }

        try
        {
            if (_registration is { } registration)
            {
                registration.StateChanged -= OnRegistrationStateChanged;
                try
                {
                    await registration.UnregisterAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SipUserAgentException or OperationCanceledException)
                {
                    LogUnregisterFailed(_logger, e.Message); // the binding lapses at the registrar
                }
                finally
                {
                    await registration.DisposeAsync().ConfigureAwait(false);
                    SetRegistrationState(RegistrationState.Unregistered);
                }
            }
        }
        finally
        {
            if (_agent is { } agent)
            {
                await agent.DisposeAsync().ConfigureAwait(false); // the sockets go whatever happened above
            }
        }
    }

    /// <summary>Stops the client (<see cref="StopAsync"/>) and releases its keys from memory.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _keys.Dispose();
        if (_store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"CallClient {AddressOfRecord} ({RegistrationState})";

    private static ISignalProtocolStore OpenStore(string? path)
    {
        if (path is null)
        {
            return new InMemorySignalProtocolStore(KeyHelper.GenerateIdentityKeyPair(), KeyHelper.GenerateRegistrationId());
        }

        return Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any()
            ? FileSignalProtocolStore.Open(path)
            : FileSignalProtocolStore.Create(path, KeyHelper.GenerateIdentityKeyPair(), KeyHelper.GenerateRegistrationId());
    }

    // An account as user@host, with the port when the URI has one (a server on a port other than 5060 is another domain).
    private static string AddressOf(SipUri uri) => uri.Port is { } port ? $"{uri.User}@{uri.Host}:{port}" : $"{uri.User}@{uri.Host}";

    private string NormalizeTarget(string target)
    {
        if (SipUri.TryParse(target, out SipUri? uri) && uri.User is not null)
        {
            return AddressOf(uri);
        }

        if (target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || target.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Not a callable address: '{target}' (a SIP URI needs a user).", nameof(target));
        }

        string domain = AddressOfRecord[(AddressOfRecord.IndexOf('@', StringComparison.Ordinal) + 1)..];
        return target.Contains('@', StringComparison.Ordinal) ? target : $"{target}@{domain}";
    }

    private SipUserAgentOptions AgentOptions()
    {
        IPAddress local = Options.LocalAddress is { Length: > 0 } a ? IPAddress.Parse(a) : IPAddress.Any;
        return new SipUserAgentOptions
        {
            Identity = SipUri.Create(_aor.Host, _aor.User, _aor.Port),
            DisplayName = Options.DisplayName,
            Credentials = Options.Password is null ? null : new SipCredentials(Options.Username ?? _aor.User!, Options.Password, Options.Realm),
            OutboundProxy = Options.OutboundProxy is { } proxy ? SipUri.Parse(proxy) : null,
            Transport = Options.Transport switch
            {
                "tcp" => SipTransportProtocol.Tcp,
                "tls" => SipTransportProtocol.Tls,
                _ => SipTransportProtocol.Udp,
            },
            LocalEndPoint = new IPEndPoint(local, Options.SipPort),
            // The facade declines unanswered calls itself (with its own reason); this is only the backstop.
            IncomingCallTimeout = Options.IncomingCallTimeout + TimeSpan.FromSeconds(10),
            TimeProvider = _time,
            LoggerFactory = _loggers,
        };
    }

    private void Track(Call call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    private void Forget(Call call)
    {
        lock (_gate)
        {
            _calls.Remove(call);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call client {Account} started on {EndPoint}")]
    private static partial void LogStarted(ILogger logger, string account, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Un-registering failed: {Reason}")]
    private static partial void LogUnregisterFailed(ILogger logger, string reason);
}
