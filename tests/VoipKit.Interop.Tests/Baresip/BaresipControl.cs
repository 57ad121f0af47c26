using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VoipKit.Interop.Tests.Baresip;

/// <summary>One event baresip's ctrl_tcp reported, such as <c>CALL_ESTABLISHED</c> or <c>CALL_CLOSED</c> (param: the reason).</summary>
internal sealed record BaresipEvent(string Type, string? Class, string? Direction, string? PeerUri, string? Param, string Json)
{
    public override string ToString() => Json;
}

/// <summary>
/// A client of baresip's <c>ctrl_tcp</c> module: netstring-framed JSON (<c>LEN:{...},</c>) both ways. Commands are
/// <c>{"command":"dial","params":"sip:...","token":"N"}</c> and answered by <c>{"response":true,"ok":...,"data":...,"token":"N"}</c>;
/// events arrive as <c>{"event":true,"type":"CALL_CLOSED",...}</c> at any time and are all kept, in order.
/// </summary>
internal sealed class BaresipControl : IAsyncDisposable
{
    private const int MaxFrame = 1 << 20;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<BaresipEvent> _events = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _readLoop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _readFailure;
    private int _nextToken;

    private BaresipControl(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Every event so far, in arrival order.</summary>
    public IReadOnlyList<BaresipEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>; throws <see cref="SocketException"/> when nothing listens yet.</summary>
    public static async Task<BaresipControl> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new BaresipControl(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and returns its response's <c>data</c>; throws when baresip says <c>"ok":false</c>.</summary>
    public async Task<string> CommandAsync(string command, string? parameters, TimeSpan timeout)
    {
        string token = Interlocked.Increment(ref _nextToken).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_readFailure is { } failure)
            {
                throw new InvalidOperationException("baresip's control connection is closed", failure);
            }

            _pending[token] = response;
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(parameters is null
            ? new Dictionary<string, string> { ["command"] = command, ["token"] = token }
            : new Dictionary<string, string> { ["command"] = command, ["params"] = parameters, ["token"] = token });
        byte[] frame = [.. Encoding.ASCII.GetBytes(json.Length.ToString(CultureInfo.InvariantCulture) + ":"), .. json, (byte)','];
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(frame);
        }
        finally
        {
            _writeLock.Release();
        }

        JsonElement answer;
        try
        {
            answer = await response.Task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"baresip did not answer '{command} {parameters}' within {timeout.TotalSeconds:F0} s", e);
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(token);
            }
        }

        string data = answer.TryGetProperty("data", out JsonElement d) ? d.GetString() ?? string.Empty : string.Empty;
        if (!answer.TryGetProperty("ok", out JsonElement ok) || !ok.GetBoolean())
        {
            throw new InvalidOperationException($"baresip refused '{command} {parameters}': {data.Trim()}");
        }

        return data;
    }

    /// <summary>Sends a command without waiting for an answer (quit: baresip may close before it answers).</summary>
    public async Task SendAsync(string command)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["command"] = command, ["token"] = "bye" });
        byte[] frame = [.. Encoding.ASCII.GetBytes(json.Length.ToString(CultureInfo.InvariantCulture) + ":"), .. json, (byte)','];
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(frame);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The first event (seen so far or still to come) that matches, or a <see cref="TimeoutException"/> listing every event seen.</summary>
    public async Task<BaresipEvent> WaitForEventAsync(Func<BaresipEvent, bool> match, string what, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                if (_readFailure is { } failure)
                {
                    throw new InvalidOperationException($"baresip's control connection closed before {what}; events: {Describe(_events)}", failure);
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"baresip reported no {what} within {timeout.TotalSeconds:F0} s; events: {Describe(Events)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Dispose(); // ends the read loop
        try
        {
            await _readLoop;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // closed under it
        }

        _stop.Dispose();
        _writeLock.Dispose();
    }

    public static string Describe(IEnumerable<BaresipEvent> events) => "[" + string.Join(", ", events.Select(e => $"{e.Type}({e.Param})")) + "]";

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        Exception failure;
        try
        {
            while (true)
            {
                int n = await _stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    failure = new EndOfStreamException("baresip closed the control connection");
                    break;
                }

                pending.AddRange(buffer.AsSpan(0, n));
                while (TryTakeFrame(pending, out byte[]? frame))
                {
                    Dispatch(frame);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or FormatException or JsonException)
        {
            failure = e;
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _readFailure = failure;
            foreach (TaskCompletionSource<JsonElement> waiter in _pending.Values)
            {
                waiter.TrySetException(new InvalidOperationException("baresip's control connection closed", failure));
            }

            changed = _changed;
        }

        changed.TrySetResult();
    }

    // A netstring: decimal length, ':', that many bytes, ','.
    private static bool TryTakeFrame(List<byte> pending, [NotNullWhen(true)] out byte[]? frame)
    {
        frame = null;
        int colon = pending.IndexOf((byte)':');
        if (colon < 0)
        {
            if (pending.Count > 10)
            {
                throw new FormatException("not a netstring from baresip: " + Encoding.UTF8.GetString([.. pending.Take(40)]));
            }

            return false;
        }

        int length = int.Parse(Encoding.ASCII.GetString([.. pending.Take(colon)]), NumberStyles.None, CultureInfo.InvariantCulture);
        if (length > MaxFrame)
        {
            throw new FormatException($"baresip sent a {length}-byte netstring");
        }

        if (pending.Count < colon + 1 + length + 1)
        {
            return false;
        }

        if (pending[colon + 1 + length] != (byte)',')
        {
            throw new FormatException("netstring from baresip does not end with ','");
        }

        frame = [.. pending.Skip(colon + 1).Take(length)];
        pending.RemoveRange(0, colon + 1 + length + 1);
        return true;
    }

    private void Dispatch(byte[] frame)
    {
        using JsonDocument doc = JsonDocument.Parse(frame);
        JsonElement root = doc.RootElement.Clone();
        if (root.TryGetProperty("response", out _))
        {
            string? token = root.TryGetProperty("token", out JsonElement t) ? t.GetString() : null;
            TaskCompletionSource<JsonElement>? waiter = null;
            lock (_gate)
            {
                if (token is not null)
                {
                    _pending.TryGetValue(token, out waiter);
                }
            }

            waiter?.TrySetResult(root);
            return;
        }

        if (root.TryGetProperty("event", out _))
        {
            var e = new BaresipEvent(
                Text(root, "type") ?? "?",
                Text(root, "class"),
                Text(root, "direction"),
                Text(root, "peeruri"),
                Text(root, "param"),
                Encoding.UTF8.GetString(frame));
            TaskCompletionSource changed;
            lock (_gate)
            {
                _events.Add(e);
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
