// Softphone: a console SIP phone on CallClient, for a person at a keyboard or a script, against any SIP server
// (Kamailio, a PBX, or VoipKit's embedded SipServer).
//
//   dotnet run -c Release --project samples/VoipKit.Samples.Softphone -- --embedded-server alice:secret
//   dotnet run -c Release --project samples/VoipKit.Samples.Softphone -- --aor sip:alice@example.com --password secret \
//       --proxy "sip:sip.example.com:5060;transport=tcp" --stun stun:stun.example.com --allow-hop-by-hop
//
// It registers, then reads commands, one a line, from the keyboard (or from --script FILE) and prints every event as
// it happens, one line each, "[mm:ss.fff] topic: text": the registration state, an incoming call with its caller and
// the security it offers (and its safety number), the call's state changes, DTMF received, hold and resume (both
// sides), the end of a call with its reason, a statistics line every --stats-interval seconds (5 by default) while a
// call is active (send bitrate, packets, loss, jitter, jitter buffer delay, concealment, RTT, MOS, security, path),
// and the safety number of an end-to-end call, to compare with the peer's before `verify`.
//
// Commands:
//   call TARGET        place a call (sip:bob@example.com, bob@example.com, or bob in this account's domain); returns
//                      at once, so that 'hangup' can cancel it while it rings ('wait-for Active' waits for the answer)
//   answer             answer the ringing call          decline [STATUS]  decline it (603 by default; 486 = busy)
//   hangup             end the call (BYE, or CANCEL while it rings)
//   hold | resume      re-INVITE with sendonly / sendrecv
//   mute | unmute      send silence / the input again
//   dtmf DIGITS        RFC 4733 telephone events (0-9 * # A-D)
//   stats              one statistics line now
//   verify             the safety number was compared out of band: the peer's identity key is marked verified
//   wait SECONDS       pause (scripts)
//   wait-for WHAT [T]  wait until the call is Calling|Ringing|Connecting|Active|Ended, a call is ringing ('incoming'),
//                      or the registration is Registered|Unregistered; fails after T seconds (30 by default)
//   help | quit
// One call at a time: a call that comes in while another is up is declined 486 Busy Here. A script (or piped input)
// echoes each command as "> command"; a script's failed command is printed as "error: ..." and the exit code is then 1.
// The end of the input is 'quit'; so is Ctrl+C.
//
// Options (a --config FILE.json with a "Voip" section in CallClientOptions' shape is bound first, these override it):
//   --aor sip:user@domain  --password P  [--user AUTH-USER]  [--realm R] (answer only this realm's challenges)
//   [--display-name NAME]  --proxy "sip:host:port;transport=tcp" (outbound proxy)  --transport udp|tcp|tls
//   --local-address IP (SIP and media; default every interface)  [--sip-port N]
//   --stun URL  --turn URL --turn-user U --turn-password P (each repeatable)  --relay-only (media only through TURN)
//   --allow-hop-by-hop (SDES-SRTP with standard phones when the peer cannot do end to end; the default refuses them)
//   --store DIR (the Signal identity, prekeys and sessions survive restarts; without it a new identity each run)
//   --accept-key-changes (trust a peer's changed identity key; the default refuses such a call)
//   --in FILE.wav (what this side says: 16-bit PCM, 8-48 kHz, mono or stereo; default a speech-like test signal)
//   --out-dir DIR (each call's received audio as call-N-PEER-TIME.wav; default artifacts/softphone)
//   --script FILE  --stats-interval SECONDS (0: off)  --verbose (the SDK's logs on standard error)
// A --config file, for example:  { "Voip": { "AddressOfRecord": "sip:alice@example.com", "Password": "...",
//   "OutboundProxy": "sip:sip.example.com;transport=tcp", "Transport": "tcp", "MediaSecurity": "AllowHopByHop",
//   "IceServers": [ { "Url": "stun:stun.example.com" }, { "Url": "turn:turn.example.com", "Username": "u", "Credential": "p" } ],
//   "Audio": { "MaxBitrate": 32000 } } }
// Exit code: 0; 1 when a --script command failed; 2 for bad options; 3 when registration (or the embedded server) failed.
//
// --embedded-server user:password[,user:password...] [--server-port N]: no external server needed. It starts
// VoipKit's SipServer (registrar and proxy, UDP and TCP) in this process on 127.0.0.1 for the --aor's domain
// (voipkit.test by default) with these accounts, registers the softphone as the first one (or --aor), and adds an
// "echo" account (password random unless listed) served by a second CallClient in this process that answers every
// call, plays a 440 Hz tone and sends back every DTMF digit it receives. Both clients share one
// InMemoryPreKeyDirectory, so 'call echo' is end-to-end encrypted. Another phone can register at the printed address
// too (with --server-port for a fixed port). With --store DIR the echo peer keeps its own identity in DIR-echo.
//
// Limits: VoipKit has no standalone prekey directory service yet (only InMemoryPreKeyDirectory, which lives in one
// process). So the end-to-end calls this softphone can make are with CallClients in the same process, that is the
// echo peer of --embedded-server. Against an external server (Kamailio, a PBX), only calls with hop-by-hop security
// work: run with --allow-hop-by-hop to call standard SIP phones (SDES-SRTP, Opus; the servers on the path can read the
// media keys), or two softphones with --allow-hop-by-hop each. No microphone or speaker: audio comes from --in
// and goes to WAV files.
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoipKit;
using VoipKit.Audio;
using VoipKit.Samples.Softphone;
using VoipKit.Server.Sip;

SoftphoneSettings settings;
try
{
    settings = SoftphoneSettings.Parse(args);
}
catch (SettingsException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(SoftphoneSettings.Usage);
    return 2;
}

if (settings.Help)
{
    Console.WriteLine(SoftphoneSettings.Usage);
    return 0;
}

if (settings.In is { } input)
{
    // A file the call could not read would fail only once a call starts its media: check it now.
    await using var probe = new WavFileSource(input);
    try
    {
        await probe.StartAsync();
    }
    catch (WavFormatException e)
    {
        Console.Error.WriteLine($"error: --in {input}: {e.Message}");
        return 2;
    }
}

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop cleanly: hang up, un-register
    stopping.Cancel();
};

using StderrLoggerFactory? logs = settings.Verbose ? new StderrLoggerFactory(LogLevel.Debug) : null;
var directory = new InMemoryPreKeyDirectory();
SipServer? server = null;
EchoPeer? echo = null;
try
{
    // --embedded-server: the SIP server and the echo peer, in this process.
    CallClientOptions options;
    try
    {
        EmbeddedAccount? embedded = null;
        if (settings.EmbeddedUsers is { } users)
        {
            (server, embedded) = await StartServerAsync(settings, users, stopping.Token);
        }

        options = settings.ToOptions(embedded);
        if (server is not null && embedded is not null)
        {
            echo = await EchoPeer.StartAsync(EchoOptions(server, embedded, options), directory, stopping.Token);
            Report.Line("echo", $"{echo.AddressOfRecord} registered: 'call echo' reaches it (end to end: it shares this process's prekey directory)");
        }
    }
    catch (Exception e) when (e is SettingsException or ArgumentException)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return 2;
    }
    catch (Exception e) when (e is RegistrationException or SocketException)
    {
        Console.Error.WriteLine("error: the embedded server or its echo peer did not start: " + e.Message);
        return 3;
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        return 130; // Ctrl+C while starting
    }

    if (echo is null)
    {
        Report.Line("prekeys", "no prekey directory service yet: end-to-end calls reach only clients in this process" +
            (options.MediaSecurity == MediaSecurityPolicy.AllowHopByHop ? "; hop-by-hop calls (SDES) to standard phones are allowed" : "; add --allow-hop-by-hop to call standard phones"));
    }

    await using var client = new CallClient(options, directory, logs);
    client.RegistrationStateChanged += (_, state) => Report.Line("registration", state.ToString());
    var phone = new Softphone(client, settings, stopping.Token);
    phone.Listen();
    try
    {
        await client.StartAsync(stopping.Token);
    }
    catch (Exception e) when (e is RegistrationException or SocketException)
    {
        Report.Line("registration", "failed: " + e.Message);
        return 3;
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        return 130; // Ctrl+C while registering
    }

    Report.Line("registration", $"{client.AddressOfRecord} via {options.OutboundProxy ?? options.Registrar ?? "the domain's server"} over {options.Transport.ToUpperInvariant()}, " +
        $"SIP on {client.SipEndPoint}, media security {options.MediaSecurity}, identity key {Convert.ToHexStringLower(client.IdentityKey.Span[1..9])}...");
    Report.Line("ready", settings.Script is null ? "type a command ('help' lists them)" : $"running {settings.Script}");

    int failures = await RunCommandsAsync(phone, settings, stopping.Token);
    await phone.HangUpAllAsync();
    using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
    {
        try
        {
            await client.StopAsync(stopTimeout.Token); // un-registers
        }
        catch (OperationCanceledException) when (stopTimeout.IsCancellationRequested)
        {
            Report.Line("registration", "the registrar did not answer the un-REGISTER in 5 s; the binding will lapse");
        }
    }

    await phone.StoppedAsync();
    Report.Line("bye", failures == 0 ? "done" : $"{failures} command(s) failed");
    return failures > 0 && settings.Script is not null ? 1 : 0;
}
finally
{
    if (echo is not null)
    {
        await echo.DisposeAsync();
    }

    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

// Commands from the script or the keyboard, one a line, until 'quit', the end of the input, or Ctrl+C.
static async Task<int> RunCommandsAsync(Softphone phone, SoftphoneSettings settings, CancellationToken stopping)
{
    bool echoCommands = settings.Script is not null || Console.IsInputRedirected;
    int failures = 0;
    try
    {
        await foreach (string raw in ReadLinesAsync(settings.Script, stopping).WithCancellation(stopping))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (echoCommands)
            {
                Report.Command(line);
            }

            try
            {
                if (!await phone.ExecuteAsync(line, stopping))
                {
                    break;
                }
            }
            catch (CommandException e)
            {
                Report.Error(e.Message);
                failures++;
            }
        }
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        Report.Line("stopping", "interrupted");
    }

    return failures;
}

static IAsyncEnumerable<string> ReadLinesAsync(string? script, CancellationToken cancellationToken)
{
    if (script is not null)
    {
        return File.ReadLinesAsync(script, cancellationToken);
    }

    // The console blocks a thread in ReadLine, whatever the API says: a thread of its own feeds a channel, so that Ctrl+C
    // (the token) ends the loop at once.
    Channel<string> lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    var reader = new Thread(() =>
    {
        while (Console.In.ReadLine() is { } line)
        {
            lines.Writer.TryWrite(line);
        }

        lines.Writer.TryComplete();
    })
    { IsBackground = true, Name = "keyboard" };
    reader.Start();
    return lines.Reader.ReadAllAsync(cancellationToken);
}

// The registrar and proxy for the domain on 127.0.0.1, with the listed accounts and "echo".
static async Task<(SipServer Server, EmbeddedAccount Account)> StartServerAsync(SoftphoneSettings settings, IReadOnlyDictionary<string, string> users, CancellationToken cancellationToken)
{
    string domain = "voipkit.test";
    string? me = null;
    if (settings.AddressOfRecord is { } aor)
    {
        var uri = AorParts.Parse(aor);
        (me, domain) = (uri.User, uri.Domain);
        if (!users.ContainsKey(me))
        {
            throw new SettingsException($"--aor {aor}: '{me}' is not among the --embedded-server users.");
        }
    }

    var accounts = new Dictionary<string, string>(users, StringComparer.Ordinal);
    accounts.TryAdd("echo", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
    me ??= users.Keys.FirstOrDefault(u => u != "echo") ?? throw new SettingsException("--embedded-server: list a user for the softphone besides echo.");
    SipServer server = await SipServer.StartAsync(
        new SipServerOptions { Domain = domain, Users = accounts, ListenEndPoint = new IPEndPoint(IPAddress.Loopback, settings.ServerPort) }, cancellationToken);
    string proxy = server.Uri + (settings.Transport == "tcp" ? ";transport=tcp" : string.Empty);
    Report.Line("server", $"SipServer for {domain} at {server.Uri} (UDP and TCP), accounts {string.Join(", ", accounts.Keys)}");
    return (server, new EmbeddedAccount($"sip:{me}@{domain}", accounts[me], domain, proxy));
}

// The echo peer: the same server, transport and security policy as the softphone.
static CallClientOptions EchoOptions(SipServer server, EmbeddedAccount softphone, CallClientOptions options) => new()
{
    AddressOfRecord = $"sip:echo@{softphone.Realm}",
    Password = server.Options.Users!["echo"],
    Realm = softphone.Realm,
    OutboundProxy = softphone.Proxy,
    Transport = options.Transport,
    LocalAddress = "127.0.0.1",
    MediaSecurity = options.MediaSecurity,
    // With --store the softphone keeps its Signal session with echo across runs, and the SDK reuses a stored session
    // as it is: echo must keep its identity and session too, or the next run's call would fail (488).
    SignalStorePath = options.SignalStorePath is { } store ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(store)) + "-echo" : null,
};

/// <summary>The user and domain of a <c>sip:user@domain</c> address, without reaching into the SIP layer.</summary>
internal readonly record struct AorParts(string User, string Domain)
{
    public static AorParts Parse(string aor)
    {
        string rest = aor.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) ? aor[4..] : aor;
        int at = rest.IndexOf('@', StringComparison.Ordinal);
        int end = rest.IndexOfAny([';', ':', '>', '?'], Math.Max(at, 0));
        string domain = at < 0 ? string.Empty : end < 0 ? rest[(at + 1)..] : rest[(at + 1)..end];
        return at <= 0 || domain.Length == 0 ? throw new SettingsException($"--aor '{aor}' is not sip:user@domain.") : new AorParts(rest[..at], domain);
    }
}
