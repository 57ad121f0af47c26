using System.Net;

namespace VoipKit.Signaling.Interop.Tests.Infrastructure;

/// <summary>
/// A sipp process running in the background (typically a UAS scenario waiting for a call).
/// Disposing it kills it, if still running, and deletes its temp directory.
/// </summary>
internal sealed class SippProcess : IAsyncDisposable
{
    private readonly PeerProcess _peer;
    private readonly TimeSpan _hardTimeout;
    private SippResult? _result;

    internal SippProcess(PeerProcess peer, SippOptions options, int port, string directory)
    {
        _peer = peer;
        Options = options;
        Port = port;
        Directory = directory;
        _hardTimeout = options.Timeout + TimeSpan.FromSeconds(5);
    }

    public SippOptions Options { get; }

    /// <summary>The local SIP port sipp listens on.</summary>
    public int Port { get; }

    /// <summary>127.0.0.1:<see cref="Port"/>: the target for a UA under test, or a Contact to register.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A SIP URI for this sipp: <c>sip:SERVICE@127.0.0.1:PORT</c>.</summary>
    public string Uri => $"sip:{Options.Service}@127.0.0.1:{Port}";

    /// <summary>The temp directory holding its logs (part of its command line).</summary>
    public string Directory { get; }

    public int Pid => _peer.Pid;

    public bool HasExited => _peer.HasExited;

    /// <summary>
    /// Waits for sipp to finish its scenario (bounded by its timeout + 5 s, then killed) and
    /// returns the result with its logs. Cancellation kills sipp and returns what it logged.
    /// </summary>
    public async Task<SippResult> WaitForExitAsync(CancellationToken cancellationToken)
    {
        if (_result is not null)
        {
            return _result;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_hardTimeout);
        int exitCode;
        var timedOut = false;
        try
        {
            exitCode = await _peer.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            exitCode = -1;
        }

        await _peer.StopAsync(TimeSpan.FromSeconds(1));
        _result = new SippResult(Options.Scenario, exitCode, Read("messages.log"), Read("errors.log"), _peer.Output, timedOut);
        return _result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _peer.DisposeAsync();
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private string Read(string name)
    {
        var path = Path.Combine(Directory, name);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
