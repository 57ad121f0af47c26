using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoipKit.Interop.Tests.Phones;

/// <summary>
/// baresip 1.0.0 (Debian <c>baresip-core</c>) as a standard SIP phone on 127.0.0.1: Opus only, SDES-SRTP required
/// (<c>mediaenc=srtp-mand</c>), rtcp-mux, no ICE, no registration. It sends a sine tone (<c>ausine</c>) and writes
/// what it decodes into a WAV file (<c>sndfile</c>, with ALSA's null device as the player). Either it dials a URI at start, or it auto-answers.
/// Disposing kills its process group and deletes its folder, also when the test failed.
/// </summary>
internal sealed class BaresipPhone : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("voipkit-baresip-").FullName;
    private readonly StringBuilder _log = new();
    private readonly Process _process;

    private BaresipPhone(int port, int toneHz, string? dial, TimeSpan lifetime)
    {
        Port = port;
        File.WriteAllText(Path.Combine(_directory, "config"), $"""
            poll_method epoll
            sip_listen 127.0.0.1:{port}
            net_interface 127.0.0.1
            rtcp_mux yes
            audio_player alsa,null
            audio_source ausine,{toneHz}
            snd_path {_directory}
            module_path /usr/lib/baresip/modules
            module opus.so
            module ausine.so
            module alsa.so
            module sndfile.so
            module srtp.so
            module_app account.so
            module_app menu.so

            """);
        File.WriteAllText(Path.Combine(_directory, "accounts"), "<sip:phone@127.0.0.1>;regint=0;answermode=auto;mediaenc=srtp-mand;audio_codecs=opus/48000/2\n");
        var start = new ProcessStartInfo("timeout")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under timeout(1): a crashed test host cannot leave baresip running.
        foreach (string a in (string[])["-k", "5", ((int)lifetime.TotalSeconds + 5).ToString(System.Globalization.CultureInfo.InvariantCulture), "baresip", "-f", _directory, "-t", ((int)lifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(a);
        }

        if (dial is not null)
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add("/dial " + dial);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("baresip not found: install the Debian package baresip-core (test.sh does).", e);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Its SIP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Its URI for a call to it.</summary>
    public string Uri => $"sip:phone@127.0.0.1:{Port}";

    /// <summary>The WAV file of what it decoded (sndfile's <c>*-dec.wav</c>), or null before its first call.</summary>
    public string? DecodedPath => Directory.EnumerateFiles(_directory, "*-dec.wav").FirstOrDefault();

    /// <summary>What it printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a phone that sends <paramref name="toneHz"/> and auto-answers, or dials <paramref name="dial"/> at once.</summary>
    public static BaresipPhone Start(int toneHz, string? dial = null, TimeSpan? lifetime = null) => new(FreeUdpPort(), toneHz, dial, lifetime ?? TimeSpan.FromSeconds(30));

    /// <summary>Waits until its log has <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>The mono samples of what it decoded (the first channel when it wrote stereo) and their rate.</summary>
    public (short[] Samples, int SampleRate) ReadDecoded()
    {
        byte[] file = File.ReadAllBytes(DecodedPath ?? throw new InvalidOperationException("baresip wrote no decoded audio:\n" + Log));
        int channels = BitConverter.ToInt16(file, 22);
        int rate = BitConverter.ToInt32(file, 24);
        int data = 44; // aufile writes the canonical 44-byte header; the data size may not be final while it runs
        var samples = new short[(file.Length - data) / 2 / channels];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BitConverter.ToInt16(file, data + (i * 2 * channels));
        }

        return (samples, rate);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
