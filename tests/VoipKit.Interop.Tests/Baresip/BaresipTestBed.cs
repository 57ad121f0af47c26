using System.Net;
using System.Security.Cryptography;
using VoipKit.Server.Sip;
using VoipKit.Signaling.Authentication;
using Xunit.Abstractions;

namespace VoipKit.Interop.Tests.Baresip;

/// <summary>
/// VoipKit's embedded <see cref="SipServer"/> for <c>voipkit.test</c> on 127.0.0.1 with digest users, a shared in-memory
/// prekey directory, <see cref="CallClient"/>s and <see cref="BaresipPhone"/>s registered at it. Like CallTestBed, except
/// that the server challenges with MD5: baresip 1.0.0 (libre 1.1) answers only MD5 digest challenges (with the server's
/// default SHA-256 its registration ends in ERR). Disposing stops the clients, the phones, then the server, and writes
/// <see cref="Describe"/> to the test's output (shown with a failure).
/// </summary>
internal sealed class BaresipTestBed : IAsyncDisposable
{
    public const string Domain = "voipkit.test";

    private readonly List<CallClient> _clients = [];
    private readonly List<BaresipPhone> _phones = [];
    private readonly Dictionary<string, string> _passwords;
    private readonly ITestOutputHelper _output;

    private BaresipTestBed(SipServer server, Dictionary<string, string> passwords, ITestOutputHelper output)
    {
        Server = server;
        _passwords = passwords;
        _output = output;
    }

    public SipServer Server { get; }

    public InMemoryPreKeyDirectory Directory { get; } = new();

    /// <summary>The CallClients' logs.</summary>
    public CollectingLoggerFactory Logs { get; } = new();

    /// <summary>Everything for a failure message: the clients' logs, and each phone's events and output.</summary>
    public string Describe() =>
        "== CallClient logs:\n" + Logs.Text +
        string.Concat(_phones.Select(p => $"== {p} events: {BaresipControl.Describe(p.Events)}\n== {p} output:\n{p.Log}\n"));

    public static async Task<BaresipTestBed> StartAsync(ITestOutputHelper output, params string[] users)
    {
        var passwords = users.ToDictionary(u => u, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        SipServer server = await SipServer.StartAsync(new SipServerOptions
        {
            Domain = Domain,
            Users = passwords,
            Algorithm = SipDigestAlgorithm.Md5,
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
        return new BaresipTestBed(server, passwords, output);
    }

    /// <summary>A CallClient for <paramref name="user"/> with the default policy (end to end only) unless <paramref name="configure"/> changes it.</summary>
    public async Task<CallClient> StartClientAsync(string user, CancellationToken cancellationToken, Action<CallClientOptions>? configure = null)
    {
        var options = new CallClientOptions
        {
            AddressOfRecord = $"sip:{user}@{Domain}",
            Password = _passwords[user],
            OutboundProxy = Server.Uri.ToString(),
            LocalAddress = "127.0.0.1",
            IncomingCallTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        var client = new CallClient(options, Directory, Logs);
        _clients.Add(client);
        await client.StartAsync(cancellationToken);
        return client;
    }

    /// <summary>A baresip phone registered as <paramref name="user"/>, playing a <paramref name="toneFrequency"/> Hz tone into its calls.</summary>
    public async Task<BaresipPhone> StartPhoneAsync(string user, double toneFrequency, CancellationToken cancellationToken)
    {
        BaresipPhone phone = await BaresipPhone.StartAsync(
            new BaresipPhoneOptions
            {
                User = user,
                Password = _passwords[user],
                Domain = Domain,
                Proxy = Server.UdpEndPoint ?? throw new InvalidOperationException("the server has no UDP endpoint"),
                ToneFrequency = toneFrequency,
            },
            cancellationToken);
        _phones.Add(phone);
        return phone;
    }

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        try
        {
            foreach (CallClient client in _clients)
            {
                await client.DisposeAsync();
            }
        }
        finally
        {
            _output.WriteLine(Describe()); // before the phones go: their events and output are part of it
            foreach (BaresipPhone phone in _phones)
            {
                try
                {
                    await phone.DisposeAsync();
                }
                catch (InvalidOperationException e)
                {
                    failures.Add(e); // a process that survived: still stop the others and the server
                }
            }

            await Server.DisposeAsync();
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("baresip did not stop cleanly", failures);
        }
    }
}
