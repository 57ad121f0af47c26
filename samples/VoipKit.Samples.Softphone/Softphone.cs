using System.Globalization;
using System.Text.RegularExpressions;
using VoipKit.Audio;

namespace VoipKit.Samples.Softphone;

/// <summary>
/// The softphone proper: one <see cref="CallClient"/>, one call at a time, driven by text commands (keyboard or script),
/// printing what happens as it happens. A second call that comes in while one is up is declined 486 Busy Here.
/// </summary>
internal sealed partial class Softphone
{
    private static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);
    private readonly CallClient _client;
    private readonly SoftphoneSettings _settings;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private CallSession? _current;
    private CallSession? _last;
    private IncomingCall? _ringing;
    private int _calls;
    private Task _listening = Task.CompletedTask;

    public Softphone(CallClient client, SoftphoneSettings settings, CancellationToken stopping)
    {
        _client = client;
        _settings = settings;
        _stopping = stopping;
    }

    /// <summary>Starts listening for incoming calls and for identity key changes (before the client starts).</summary>
    public void Listen()
    {
        _client.IdentityKeyChanged = OnIdentityKeyChangedAsync;
        _listening = ListenAsync();
    }

    /// <summary>Runs one command line.</summary>
    /// <returns>False for <c>quit</c>.</returns>
    /// <exception cref="CommandException">The command is wrong or failed; the message says why.</exception>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string command = words[0].ToLowerInvariant();
        string? argument = words.Length > 1 ? words[1] : null;
        try
        {
            switch (command)
            {
                case "call": await CallAsync(argument ?? throw new CommandException("call TARGET (sip:bob@example.com, bob@example.com or bob)")).ConfigureAwait(false); break;
                case "answer": await AnswerAsync(cancellationToken).ConfigureAwait(false); break;
                case "decline": await DeclineAsync(argument).ConfigureAwait(false); break;
                case "hangup": await HangUpAsync(cancellationToken).ConfigureAwait(false); break;
                case "hold": await Active().HoldAsync(cancellationToken).ConfigureAwait(false); Report.Line("call", "on hold (this side)"); break;
                case "resume": await Active().ResumeAsync(cancellationToken).ConfigureAwait(false); Report.Line("call", "resumed (this side)"); break;
                case "mute": Active().IsMuted = true; Report.Line("call", "muted (the peer hears silence)"); break;
                case "unmute": Active().IsMuted = false; Report.Line("call", "unmuted"); break;
                case "dtmf": await SendDtmfAsync(argument, cancellationToken).ConfigureAwait(false); break;
                case "stats": Report.Line("stats", Report.Describe(Current().Call.GetStatistics())); break;
                case "verify": Verify(); break;
                case "wait": await Task.Delay(Seconds(argument ?? throw new CommandException("wait SECONDS")), cancellationToken).ConfigureAwait(false); break;
                case "wait-for": await WaitForAsync(argument, words.Length > 2 ? Seconds(words[2]) : DefaultWaitTimeout, cancellationToken).ConfigureAwait(false); break;
                case "help" or "?": Console.WriteLine(SoftphoneSettings.Usage[SoftphoneSettings.Usage.IndexOf("commands:", StringComparison.Ordinal)..]); break;
                case "quit" or "exit": return false;
                default: throw new CommandException($"unknown command '{command}' (help lists them)");
            }
        }
        catch (CallException e)
        {
            throw new CommandException($"{command}: {e.End}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandException($"{command}: {e.Message}", e); // the call is not in a state for it (ended, not active...)
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"{command}: {e.Message}", e);
        }

        return true;
    }

    /// <summary>Hangs up the call, declines a ringing one (480) and waits until the recordings are closed.</summary>
    public async Task HangUpAllAsync()
    {
        IncomingCall? ringing;
        CallSession? current;
        lock (_gate)
        {
            ringing = _ringing;
            current = _current;
            _ringing = null;
        }

        if (ringing is not null)
        {
            await DeclineQuietlyAsync(ringing, 480).ConfigureAwait(false); // its watcher reports and releases it
        }

        if (current is not null)
        {
            await current.Call.HangUpAsync(CancellationToken.None).ConfigureAwait(false);
            await current.Finished.ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the incoming-call loop, which ends when the client stops.</summary>
    public Task StoppedAsync() => _listening;

    private async Task CallAsync(string target)
    {
        lock (_gate)
        {
            if (_current is not null || _ringing is not null)
            {
                throw new CommandException(_current is not null ? "a call is already up (hangup first)" : "a call is ringing (answer or decline it first)");
            }
        }

        if (!TargetPattern().IsMatch(target))
        {
            // CreateCall takes any string; a target that is no SIP URI would only fail inside ConnectAsync.
            throw new CommandException($"call: '{target}' is not sip:user@domain, user@domain or user");
        }

        int number = Interlocked.Increment(ref _calls);
        (IAudioSource source, WavFileSink sink, string wav) = OpenAudio(number, target);
        Call call;
        try
        {
            call = _client.CreateCall(target, source, sink);
        }
        catch (InvalidOperationException)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        CallSession session = Track(new CallSession(call, number, source, sink, wav));
        Report.Line("call", $"calling {call.RemoteParty} (#{number})");
        session.Connecting = ConnectAsync(session); // returns at once: 'hangup' may cancel it while it rings
        session.Finished = FinishAsync(session);
    }

    private async Task ConnectAsync(CallSession session)
    {
        try
        {
            await session.Call.ConnectAsync(_stopping).ConfigureAwait(false);
        }
        catch (CallException)
        {
            return; // Ended reports how it ended
        }
        catch (OperationCanceledException)
        {
            return; // hung up while ringing, or the softphone is stopping: Ended reports it
        }
        catch (WavFormatException e)
        {
            // The source failed to start: the SDK leaves such a call up without media, so end it here.
            Report.Error($"the --in file cannot be played: {e.Message}");
            await session.Call.HangUpAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        Connected(session);
    }

    private async Task AnswerAsync(CancellationToken cancellationToken)
    {
        IncomingCall ringing;
        lock (_gate)
        {
            ringing = _ringing ?? throw new CommandException("no call is ringing");
            _ringing = null;
        }

        int number = Interlocked.Increment(ref _calls);
        (IAudioSource source, WavFileSink sink, string wav) = OpenAudio(number, ringing.Caller);
        Call call;
        try
        {
            // Returns once media flows: the call is Active (its earlier states are not observable on this side).
            call = await ringing.AcceptAsync(source, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CallException or InvalidOperationException or OperationCanceledException or WavFormatException)
        {
            if (e is WavFormatException)
            {
                // The source failed to start after the 200 OK: AcceptAsync returned no Call, but the SDK keeps one up.
                foreach (Call orphan in _client.Calls.Where(c => c.Direction == CallDirection.Incoming && c.RemoteParty == ringing.Caller))
                {
                    await orphan.HangUpAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            await source.DisposeAsync().ConfigureAwait(false);
            await sink.DisposeAsync().ConfigureAwait(false);
            throw e is CallException c ? new CommandException($"answer: {c.End}", c) : new CommandException($"answer: {e.Message}", e);
        }

        CallSession session = Track(new CallSession(call, number, source, sink, wav));
        session.Finished = FinishAsync(session);
        Report.Line("call", $"state {call.State}");
        Connected(session);
    }

    private async Task DeclineAsync(string? status)
    {
        int code = 603;
        if (status is not null && !(int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 400 and <= 699))
        {
            throw new CommandException("decline [STATUS]: a SIP status 400-699 (603 Decline by default, 486 Busy Here...)");
        }

        IncomingCall ringing;
        lock (_gate)
        {
            ringing = _ringing ?? throw new CommandException("no call is ringing");
            _ringing = null;
        }

        await ringing.DeclineAsync(code).ConfigureAwait(false); // the ringing watcher reports the outcome
    }

    private async Task HangUpAsync(CancellationToken cancellationToken)
    {
        CallSession session = Current();
        await session.Call.HangUpAsync(cancellationToken).ConfigureAwait(false);
        await session.Finished.WaitAsync(cancellationToken).ConfigureAwait(false); // the end reported, the recording closed
    }

    private async Task SendDtmfAsync(string? digits, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(digits))
        {
            throw new CommandException("dtmf DIGITS (0-9, *, #, A-D)");
        }

        await Active().SendDtmfAsync(digits, cancellationToken).ConfigureAwait(false);
        Report.Line("dtmf", $"sent {digits}");
    }

    private void Verify()
    {
        Call call = Active();
        call.MarkVerified(); // InvalidOperationException for a call that is not end to end
        Report.Line("call", $"security {call.Security}: the safety number was compared; later calls with this key are verified too");
    }

    private async Task WaitForAsync(string? what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Func<bool> reached;
        Func<string> now;
        if (string.Equals(what, "incoming", StringComparison.OrdinalIgnoreCase))
        {
            reached = () => Volatile.Read(ref _ringing) is not null;
            now = () => "no call is ringing";
        }
        else if (Enum.TryParse(what, ignoreCase: true, out CallState state) && !int.TryParse(what, CultureInfo.InvariantCulture, out _))
        {
            reached = () =>
            {
                CallSession s = (Volatile.Read(ref _current) ?? Volatile.Read(ref _last)) ?? throw new CommandException($"wait-for {what}: there is no call");
                if (state == CallState.Ended)
                {
                    return s.Finished.IsCompleted; // ended, reported, recording closed
                }

                return s.Call.State == state || (s.End is { } end ? throw new CommandException($"wait-for {what}: the call ended first ({end})") : false);
            };
            now = () => (Volatile.Read(ref _current) ?? Volatile.Read(ref _last)) is { } s ? $"the call is {s.Call.State}" : "there is no call";
        }
        else if (Enum.TryParse(what, ignoreCase: true, out RegistrationState registration) && !int.TryParse(what, CultureInfo.InvariantCulture, out _))
        {
            reached = () => _client.RegistrationState == registration;
            now = () => $"registration is {_client.RegistrationState}";
        }
        else
        {
            throw new CommandException("wait-for incoming | Calling | Ringing | Connecting | Active | Ended | Registered | Unregistered [TIMEOUT-SECONDS]");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (!reached())
            {
                await poll.WaitForNextTickAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandException($"wait-for {what}: not reached in {timeout.TotalSeconds:F0} s ({now()})");
        }
    }

    private async Task ListenAsync()
    {
        try
        {
            await foreach (IncomingCall ringing in _client.IncomingCalls.ReadAllAsync(_stopping).ConfigureAwait(false))
            {
                string name = ringing.CallerDisplayName is { } n ? $" \"{n}\"" : string.Empty;
                Report.Line("incoming", $"call from {ringing.Caller}{name}, offered security {ringing.OfferedSecurity}");
                if (ringing.SafetyNumber is { } safety)
                {
                    Report.Line("incoming", $"safety number {Report.Groups(safety)}");
                }

                bool busy;
                lock (_gate)
                {
                    busy = _current is not null || _ringing is not null;
                    if (!busy)
                    {
                        _ringing = ringing;
                    }
                }

                if (busy)
                {
                    Report.Line("incoming", $"declining {ringing.Caller} with 486 Busy Here: a call is already up");
                    await DeclineQuietlyAsync(ringing, 486).ConfigureAwait(false);
                }
                else
                {
                    Report.Line("incoming", "ringing: 'answer' or 'decline [STATUS]'");
                }

                _ = WatchRingingAsync(ringing);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping
        }
    }

    private static async Task DeclineQuietlyAsync(IncomingCall ringing, int status)
    {
        try
        {
            await ringing.DeclineAsync(status).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // the caller gave up meanwhile: its outcome says so
        }
    }

    // Reports a ringing call that ended without being answered: the caller gave up, it timed out, or we declined it.
    private async Task WatchRingingAsync(IncomingCall ringing)
    {
        CallEnd? end = await ringing.Outcome.ConfigureAwait(false);
        if (end is null)
        {
            return; // accepted: AcceptAsync released it
        }

        lock (_gate)
        {
            if (_ringing == ringing)
            {
                _ringing = null;
            }
        }

        Report.Line("incoming", $"call from {ringing.Caller} ended unanswered: {end}");
        ringing.Dispose();
    }

    private ValueTask<bool> OnIdentityKeyChangedAsync(IdentityKeyChange change, CancellationToken cancellationToken)
    {
        Report.Line("security", $"{(change.WasVerified ? "WARNING: the VERIFIED" : "the")} identity key of {change.RemoteParty} (device {change.DeviceId}) changed: " +
            $"a reinstall, or someone in the middle. New safety number {Report.Groups(change.NewSafetyNumber)}");
        Report.Line("security", _settings.AcceptKeyChanges ? "accepted (--accept-key-changes)" : "refused: the call ends with SecurityRefused (start with --accept-key-changes to trust it)");
        return ValueTask.FromResult(_settings.AcceptKeyChanges);
    }

    private (IAudioSource Source, WavFileSink Sink, string Path) OpenAudio(int number, string remote)
    {
        Directory.CreateDirectory(_settings.OutDir);
        string safe = string.Concat(remote.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        string path = Path.Combine(_settings.OutDir, string.Create(CultureInfo.InvariantCulture, $"call-{number}-{safe}-{DateTime.Now:yyyyMMdd-HHmmss}.wav"));
        IAudioSource source = _settings.In is { } file ? new WavFileSource(file) : new SpeechLikeSource(seed: number);
        return (source, new WavFileSink(path), path);
    }

    private CallSession Track(CallSession session)
    {
        Call call = session.Call;
        call.StateChanged += (_, state) =>
        {
            if (state != CallState.Ended)
            {
                Report.Line("call", $"state {state}");
            }
        };
        call.DtmfReceived += (_, e) => Report.Line("dtmf", $"received {e.Digit} ({e.Duration.TotalMilliseconds:F0} ms)");
        lock (_gate)
        {
            _current = session;
            _last = session;
        }

        return session;
    }

    private void Connected(CallSession session)
    {
        Call call = session.Call;
        Report.Line("call", $"connected with {call.RemoteParty}: security {call.Security}, path {call.Path}");
        if (call.SafetyNumber is { } safety)
        {
            Report.Line("call", $"safety number {Report.Groups(safety)} (compare it with the peer's, then 'verify')");
        }
        else
        {
            Report.Line("call", "not end to end: the media keys went through the SIP servers (SDES)");
        }

        session.StartMonitor(_settings.StatsInterval);
    }

    // The end of a call, whichever way it ends: report it, stop the monitor, close the recording.
    private async Task FinishAsync(CallSession session)
    {
        CallEnd end = await session.Call.Ended.ConfigureAwait(false);
        session.End = end;
        Report.Line("call", $"ended {end}");
        if (session.Connecting is { } connecting)
        {
            await connecting.ConfigureAwait(false); // returns once the call ended
        }

        await session.StopMonitorAsync().ConfigureAwait(false);

        CallStatistics final = session.Call.GetStatistics();
        await session.Call.DisposeAsync().ConfigureAwait(false);
        await session.Source.DisposeAsync().ConfigureAwait(false);
        long samples = session.Sink.SamplesWritten;
        await session.Sink.DisposeAsync().ConfigureAwait(false);
        if (final.PacketsSent + final.PacketsReceived > 0)
        {
            Report.Line("call", $"summary: {Report.Describe(final)}");
        }

        if (samples > 0)
        {
            Report.Line("recording", string.Create(CultureInfo.InvariantCulture, $"{samples / (double)AudioFormat.SampleRate:F1} s from {session.Call.RemoteParty} in {session.WavPath}"));
        }
        else
        {
            File.Delete(session.WavPath); // nothing was heard: no empty file
        }
        lock (_gate)
        {
            if (_current == session)
            {
                _current = null;
            }
        }
    }

    private CallSession Current() => Volatile.Read(ref _current) ?? throw new CommandException("no call");

    private Call Active()
    {
        Call call = Current().Call;
        return call.State is CallState.Active or CallState.Connecting && call.Path is not null
            ? call
            : throw new CommandException($"the call is {call.State}, not active yet");
    }

    [GeneratedRegex(@"^(sips?:)?[A-Za-z0-9._~+!$&'*=%-]+(@[A-Za-z0-9.-]+(:\d{1,5})?)?$")]
    private static partial Regex TargetPattern();

    private static TimeSpan Seconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new CommandException($"'{value}' is not a number of seconds (0-3600)");

    /// <summary>A call with its audio, its recording and the tasks that watch it.</summary>
    private sealed class CallSession(Call call, int number, IAudioSource source, WavFileSink sink, string wavPath)
    {
        private readonly Lock _gate = new();
        private Task _monitor = Task.CompletedTask;
        private bool _monitorStopped;

        public Call Call { get; } = call;

        public int Number { get; } = number;

        public IAudioSource Source { get; } = source;

        public WavFileSink Sink { get; } = sink;

        public string WavPath { get; } = wavPath;

        public Task? Connecting { get; set; }

        public CallEnd? End { get; set; }

        public Task Finished { get; set; } = Task.CompletedTask;

        // Started once connected; the call may have ended meanwhile (then it does not start).
        public void StartMonitor(TimeSpan statsInterval)
        {
            lock (_gate)
            {
                if (!_monitorStopped)
                {
                    _monitor = MonitorAsync(statsInterval);
                }
            }
        }

        // After the call ended: the monitor stops by itself then.
        public Task StopMonitorAsync()
        {
            lock (_gate)
            {
                _monitorStopped = true;
                return _monitor;
            }
        }

        // A stats line every statsInterval while the call is active, and the peer's hold and resume (the SDK has no
        // event for those: IsRemoteOnHold is polled). Runs until the call ends.
        private async Task MonitorAsync(TimeSpan statsInterval)
        {
            TimeSpan tick = TimeSpan.FromMilliseconds(250);
            bool remoteHold = Call.IsRemoteOnHold;
            TimeSpan sinceStats = TimeSpan.Zero;
            while (await Task.WhenAny(Task.Delay(tick), Call.Ended).ConfigureAwait(false) != Call.Ended)
            {
                if (Call.IsRemoteOnHold != remoteHold)
                {
                    remoteHold = !remoteHold;
                    Report.Line("call", remoteHold ? "the peer put the call on hold" : "the peer resumed the call");
                }

                sinceStats += tick;
                if (statsInterval > TimeSpan.Zero && sinceStats >= statsInterval)
                {
                    sinceStats = TimeSpan.Zero;
                    if (Call.State == CallState.Active)
                    {
                        Report.Line("stats", Report.Describe(Call.GetStatistics()));
                    }
                }
            }
        }
    }
}

/// <summary>A command that is wrong or failed; the softphone prints it and goes on (a script then exits with 1).</summary>
internal sealed class CommandException : Exception
{
    public CommandException()
    {
    }

    public CommandException(string message)
        : base(message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
