using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace VoipKit.Samples.Softphone;

/// <summary>The softphone's command line (and optional JSON file), and the <see cref="CallClientOptions"/> made from it.</summary>
internal sealed class SoftphoneSettings
{
    public const string Usage = """
        usage: Softphone --aor sip:user@domain [--password P] [options]
               Softphone --embedded-server user:password[,user:password...] [options]
          account   --aor URI  --password P  [--user AUTH-USER] [--realm R] [--display-name NAME]
          server    --proxy sip:host:port;transport=tcp  [--transport udp|tcp|tls]  [--local-address IP] [--sip-port N]
          NAT       --stun stun:host[:port] (repeatable)  --turn turn:host[:port] (repeatable) --turn-user U --turn-password P
                    [--relay-only]
          security  [--allow-hop-by-hop] (SDES-SRTP with standard phones)  [--store DIR] (Signal identity and sessions)
                    [--accept-key-changes] (trust a peer's new identity key instead of refusing the call)
          audio     [--in FILE.wav] (16-bit PCM, 8-48 kHz; default a speech-like test signal)  [--out-dir DIR] (default artifacts/softphone)
          control   [--script FILE] (commands from a file instead of the keyboard)  [--stats-interval SECONDS] (default 5, 0 = off)
          other     [--config FILE.json] (a "Voip" section bound to CallClientOptions; the options above override it)
                    [--embedded-server USERS] [--server-port N] (in-process SipServer on 127.0.0.1 and an "echo" peer)  [--verbose]
        commands: call TARGET | answer | decline [STATUS] | hangup | hold | resume | mute | unmute | dtmf DIGITS | stats |
                  verify | wait SECONDS | wait-for STATE|incoming [TIMEOUT-SECONDS] | help | quit
        """;

    public string? AddressOfRecord { get; private set; }

    public string? Password { get; private set; }

    public string? Username { get; private set; }

    public string? Realm { get; private set; }

    public string? DisplayName { get; private set; }

    public string? Proxy { get; private set; }

    public string? Transport { get; private set; }

    public string? LocalAddress { get; private set; }

    public int? SipPort { get; private set; }

    public List<string> Stun { get; } = [];

    public List<string> Turn { get; } = [];

    public string? TurnUser { get; private set; }

    public string? TurnPassword { get; private set; }

    public bool RelayOnly { get; private set; }

    public bool AllowHopByHop { get; private set; }

    public bool AcceptKeyChanges { get; private set; }

    public string? Store { get; private set; }

    public string? In { get; private set; }

    public string OutDir { get; private set; } = Path.Combine("artifacts", "softphone");

    public string? Script { get; private set; }

    public string? ConfigFile { get; private set; }

    /// <summary>The --embedded-server accounts (user to password), or null for an external server.</summary>
    public IReadOnlyDictionary<string, string>? EmbeddedUsers { get; private set; }

    public int ServerPort { get; private set; }

    public TimeSpan StatsInterval { get; private set; } = TimeSpan.FromSeconds(5);

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Reads the arguments; the error names the first bad one.</summary>
    public static SoftphoneSettings Parse(string[] args)
    {
        var s = new SoftphoneSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new SettingsException($"{name} needs a value.");
                }

                return args[++i];
            }

            switch (name)
            {
                case "--aor": s.AddressOfRecord = Value(); break;
                case "--password": s.Password = Value(); break;
                case "--user": s.Username = Value(); break;
                case "--realm": s.Realm = Value(); break;
                case "--display-name": s.DisplayName = Value(); break;
                case "--proxy": s.Proxy = Value(); break;
                case "--transport": s.Transport = Value().ToLowerInvariant(); break;
                case "--local-address": s.LocalAddress = Value(); break;
                case "--sip-port": s.SipPort = Port(name, Value()); break;
                case "--stun": s.Stun.Add(Value()); break;
                case "--turn": s.Turn.Add(Value()); break;
                case "--turn-user": s.TurnUser = Value(); break;
                case "--turn-password": s.TurnPassword = Value(); break;
                case "--relay-only": s.RelayOnly = true; break;
                case "--allow-hop-by-hop": s.AllowHopByHop = true; break;
                case "--accept-key-changes": s.AcceptKeyChanges = true; break;
                case "--store": s.Store = Value(); break;
                case "--in": s.In = Value(); break;
                case "--out-dir": s.OutDir = Value(); break;
                case "--script": s.Script = Value(); break;
                case "--config": s.ConfigFile = Value(); break;
                case "--embedded-server": s.EmbeddedUsers = ParseUsers(Value()); break;
                case "--server-port": s.ServerPort = Port(name, Value()); break;
                case "--stats-interval": s.StatsInterval = Seconds(name, Value()); break;
                case "--verbose": s.Verbose = true; break;
                case "--help" or "-h": s.Help = true; break;
                default: throw new SettingsException($"unknown option '{name}'.");
            }
        }

        if (s.Help)
        {
            return s;
        }

        if (s.AddressOfRecord is null && s.EmbeddedUsers is null && s.ConfigFile is null)
        {
            throw new SettingsException("--aor (or --embedded-server, or --config) is required.");
        }

        if (s.In is not null && !File.Exists(s.In))
        {
            throw new SettingsException($"--in: no file '{s.In}'.");
        }

        if (s.Script is not null && !File.Exists(s.Script))
        {
            throw new SettingsException($"--script: no file '{s.Script}'.");
        }

        if (s.Turn.Count > 0 && (s.TurnUser is null || s.TurnPassword is null))
        {
            throw new SettingsException("--turn needs --turn-user and --turn-password.");
        }

        if (s.RelayOnly && s.Turn.Count == 0 && s.ConfigFile is null)
        {
            throw new SettingsException("--relay-only needs a --turn server.");
        }

        return s;
    }

    /// <summary>
    /// The client's options: the --config file's "Voip" section first (if any), then every option given on the command
    /// line; <paramref name="embedded"/> fills in what the embedded server implies (proxy, realm, password, loopback).
    /// </summary>
    public CallClientOptions ToOptions(EmbeddedAccount? embedded)
    {
        var options = new CallClientOptions();
        if (ConfigFile is not null)
        {
            BindJson(ConfigFile, options);
        }

        if (embedded is not null)
        {
            options.AddressOfRecord = embedded.AddressOfRecord;
            options.Password = embedded.Password;
            options.Realm = embedded.Realm;
            options.OutboundProxy = embedded.Proxy;
            options.LocalAddress = "127.0.0.1";
        }

        options.AddressOfRecord = AddressOfRecord ?? options.AddressOfRecord;
        options.Password = Password ?? options.Password;
        options.Username = Username ?? options.Username;
        options.Realm = Realm ?? options.Realm;
        options.DisplayName = DisplayName ?? options.DisplayName;
        options.OutboundProxy = Proxy ?? options.OutboundProxy;
        options.Transport = Transport ?? options.Transport;
        options.LocalAddress = LocalAddress ?? options.LocalAddress;
        options.SipPort = SipPort ?? options.SipPort;
        options.SignalStorePath = Store ?? options.SignalStorePath;
        foreach (string url in Stun)
        {
            options.IceServers.Add(new IceServer { Url = url });
        }

        foreach (string url in Turn)
        {
            options.IceServers.Add(new IceServer { Url = url, Username = TurnUser, Credential = TurnPassword });
        }

        if (RelayOnly)
        {
            options.IceTransportPolicy = IceTransportPolicy.Relay;
        }

        if (AllowHopByHop)
        {
            options.MediaSecurity = MediaSecurityPolicy.AllowHopByHop;
        }

        options.Validate(); // ArgumentException naming the bad setting
        return options;
    }

    // Microsoft.Extensions.Configuration.Json is not among the repository's packages, so the file is flattened into the
    // configuration's own key form ("Voip:IceServers:0:Url") and bound with the Binder, as appsettings.json would be.
    private static void BindJson(string path, CallClientOptions options)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Flatten(json.RootElement, null, keys);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new SettingsException($"--config {path}: {e.Message}");
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
        IConfigurationSection voip = configuration.GetSection("Voip");
        if (!voip.Exists())
        {
            throw new SettingsException($"--config {path}: no \"Voip\" section.");
        }

        try
        {
            voip.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"--config {path}: {e.Message}");
        }
    }

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string?> keys)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}", keys);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{index++}", keys);
                }

                break;
            case JsonValueKind.Null:
                keys[prefix ?? string.Empty] = null;
                break;
            case JsonValueKind.String:
                keys[prefix ?? string.Empty] = element.GetString();
                break;
            default: // numbers, true, false
                keys[prefix ?? string.Empty] = element.GetRawText();
                break;
        }
    }

    private static Dictionary<string, string> ParseUsers(string list)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == entry.Length - 1)
            {
                throw new SettingsException($"--embedded-server: '{entry}' is not user:password.");
            }

            users[entry[..colon]] = entry[(colon + 1)..];
        }

        return users.Count > 0 ? users : throw new SettingsException("--embedded-server needs at least one user:password.");
    }

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 0 and <= 65535
            ? port
            : throw new SettingsException($"{name}: '{value}' is not a port.");

    private static TimeSpan Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new SettingsException($"{name}: '{value}' is not a number of seconds (0-3600).");
}

/// <summary>What the embedded server gives the softphone's account.</summary>
internal sealed record EmbeddedAccount(string AddressOfRecord, string Password, string Realm, string Proxy);

/// <summary>A bad command line or config file; the message says which option.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
