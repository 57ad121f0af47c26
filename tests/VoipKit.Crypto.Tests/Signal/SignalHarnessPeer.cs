using System.Globalization;
using VoipKit.Crypto.Tests.Native;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>
/// One party of a Signal v3 conversation played by libsignal-protocol-c 2.3.3 through
/// <c>Native/signal-harness.c</c> (line protocol in <c>Native/README.md</c>). Thin typed
/// wrappers over the text commands; the raw <see cref="Send"/> stays available for tests of
/// error answers.
/// </summary>
internal sealed class SignalHarnessPeer : IDisposable
{
    private static readonly Lazy<string> Exe = new(() =>
        NativeHarness.Build("signal-harness.c", ["libsignal-protocol-c"], ["-lcrypto"]));

    private readonly NativeHarness _harness;

    private SignalHarnessPeer(NativeHarness harness)
    {
        _harness = harness;
    }

    /// <summary>Starts a harness process without sending <c>init</c>.</summary>
    public static SignalHarnessPeer StartUninitialized() => new(NativeHarness.Start(Exe.Value));

    /// <summary>Starts a harness process and initializes it with <paramref name="registrationId"/>.</summary>
    public static SignalHarnessPeer Start(uint registrationId)
    {
        SignalHarnessPeer peer = StartUninitialized();
        string answer = peer.Send($"init {registrationId}");
        if (answer != "ok")
        {
            peer.Dispose();
            throw new InvalidOperationException($"init failed: {answer}");
        }

        return peer;
    }

    /// <summary>Sends one raw command line and returns the one-line answer.</summary>
    public string Send(string line) => _harness.Send(line);

    /// <summary><c>bundle</c>: the next prekey bundle, each call with a fresh one-time prekey.</summary>
    public HarnessBundle Bundle()
    {
        string[] f = Expect(Send("bundle"), "bundle", 9);
        return new HarnessBundle(
            uint.Parse(f[1], CultureInfo.InvariantCulture),
            int.Parse(f[2], CultureInfo.InvariantCulture),
            int.Parse(f[3], CultureInfo.InvariantCulture),
            Convert.FromHexString(f[4]),
            uint.Parse(f[5], CultureInfo.InvariantCulture),
            Convert.FromHexString(f[6]),
            Convert.FromHexString(f[7]),
            Convert.FromHexString(f[8]));
    }

    /// <summary><c>identity</c>: the 33-byte serialized identity public key.</summary>
    public byte[] Identity() => Convert.FromHexString(Expect(Send("identity"), "identity", 2)[1]);

    /// <summary><c>process_bundle</c>: returns the raw answer (<c>ok</c> or <c>error &lt;code&gt;</c>).</summary>
    public string ProcessBundle(string remoteName, HarnessBundle bundle) =>
        Send($"process_bundle {remoteName} {bundle.ToArguments()}");

    /// <summary><c>encrypt</c>: the message type (3 prekey, 2 normal) and the serialized message.</summary>
    public (int Type, byte[] Serialized) Encrypt(string remoteName, ReadOnlySpan<byte> plaintext)
    {
        string[] f = Expect(Send($"encrypt {remoteName} {Convert.ToHexStringLower(plaintext)}"), "msg", 3);
        return (int.Parse(f[1], CultureInfo.InvariantCulture), Convert.FromHexString(f[2]));
    }

    /// <summary><c>decrypt</c>: returns the raw answer (<c>plain &lt;hex&gt;</c> or <c>error &lt;code&gt;</c>).</summary>
    public string TryDecrypt(string remoteName, int type, ReadOnlySpan<byte> serialized) =>
        Send($"decrypt {remoteName} {type} {Convert.ToHexStringLower(serialized)}");

    /// <summary><c>decrypt</c> that must succeed.</summary>
    public byte[] Decrypt(string remoteName, int type, ReadOnlySpan<byte> serialized) =>
        Convert.FromHexString(Expect(TryDecrypt(remoteName, type, serialized), "plain", 2)[1]);

    /// <summary><c>fingerprint</c>: the 60-digit displayable safety number.</summary>
    public string Fingerprint(string localStableId, string remoteStableId, ReadOnlySpan<byte> remoteIdentity) =>
        Expect(Send($"fingerprint {localStableId} {remoteStableId} {Convert.ToHexStringLower(remoteIdentity)}"), "fingerprint", 2)[1];

    public void Dispose() => _harness.Dispose();

    private string[] Expect(string answer, string keyword, int fields)
    {
        string[] f = answer.Split(' ');
        if (f[0] != keyword || f.Length != fields)
        {
            throw new InvalidOperationException($"Expected '{keyword}' with {fields} fields, got '{answer}'. stderr: {_harness.Stderr}");
        }

        return f;
    }
}
