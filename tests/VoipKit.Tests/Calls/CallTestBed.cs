using System.Net;
using System.Security.Cryptography;
using VoipKit.Audio;
using VoipKit.Server.Sip;

namespace VoipKit.Tests.Calls;

/// <summary>
/// The embedded SIP server for the domain voipkit.test on 127.0.0.1, a shared in-memory prekey directory, and
/// <see cref="CallClient"/>s that register at it over real UDP (or TCP) on loopback. Disposing stops every client, then the server.
/// </summary>
internal sealed class CallTestBed : IAsyncDisposable
{
    public const string Domain = "voipkit.test";
    private readonly List<CallClient> _clients = [];
    private readonly Dictionary<string, string> _passwords;

    private CallTestBed(SipServer server, Dictionary<string, string> passwords)
    {
        Server = server;
        _passwords = passwords;
    }

    public SipServer Server { get; }

    public InMemoryPreKeyDirectory Directory { get; } = new();

    public static async Task<CallTestBed> StartAsync(params string[] users)
    {
        var passwords = users.ToDictionary(u => u, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        SipServer server = await SipServer.StartAsync(new SipServerOptions { Domain = Domain, Users = passwords, ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        return new CallTestBed(server, passwords);
    }

    public CallClientOptions Options(string user, string transport = "udp") => new()
    {
        AddressOfRecord = $"sip:{user}@{Domain}",
        Password = _passwords.GetValueOrDefault(user, "unknown-user"),
        OutboundProxy = Server.Uri + (transport == "tcp" ? ";transport=tcp" : string.Empty),
        Transport = transport,
        LocalAddress = "127.0.0.1",
        IncomingCallTimeout = TimeSpan.FromSeconds(20),
    };

    public async Task<CallClient> StartClientAsync(string user, Action<CallClientOptions>? configure = null)
    {
        CallClientOptions options = Options(user);
        configure?.Invoke(options);
        var client = new CallClient(options, Directory);
        _clients.Add(client);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.StartAsync(timeout.Token);
        return client;
    }

    /// <summary>Places a call from <paramref name="caller"/> to <paramref name="callee"/>; the callee accepts; both calls are active.</summary>
    public static async Task<(Call Caller, Call Callee)> ConnectAsync(CallClient caller, CallClient callee, IAudioSource callerSource, IAudioSink callerSink, IAudioSource calleeSource, IAudioSink calleeSink)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Call outgoing = caller.CreateCall(callee.AddressOfRecord, callerSource, callerSink);
        Task connect = outgoing.ConnectAsync(timeout.Token);
        IncomingCall ringing = await callee.IncomingCalls.ReadAsync(timeout.Token);
        Call incoming = await ringing.AcceptAsync(calleeSource, calleeSink, timeout.Token);
        await connect;
        return (outgoing, incoming);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (CallClient client in _clients)
        {
            await client.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
