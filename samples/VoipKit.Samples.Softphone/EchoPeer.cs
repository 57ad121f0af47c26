using System.Threading.Channels;
using VoipKit.Audio;

namespace VoipKit.Samples.Softphone;

/// <summary>
/// The --embedded-server mode's other party: a <see cref="CallClient"/> that answers every call at once, plays a 440 Hz
/// tone, discards what it hears, and sends every DTMF digit it receives back to the caller.
/// </summary>
internal sealed class EchoPeer : IAsyncDisposable
{
    private readonly CallClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _calls = [];
    private Task _listening = Task.CompletedTask;

    private EchoPeer(CallClient client) => _client = client;

    public string AddressOfRecord => _client.AddressOfRecord;

    public static async Task<EchoPeer> StartAsync(CallClientOptions options, IPreKeyDirectory directory, CancellationToken cancellationToken)
    {
        var client = new CallClient(options, directory);
        var echo = new EchoPeer(client);
        try
        {
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistrationException or OperationCanceledException)
        {
            await echo.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        echo._listening = echo.ListenAsync();
        return echo;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false); // hangs up its calls, un-registers
        await _listening.ConfigureAwait(false);
        Task[] calls;
        lock (_calls)
        {
            calls = [.. _calls];
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ListenAsync()
    {
        try
        {
            await foreach (IncomingCall ringing in _client.IncomingCalls.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                Task call = AnswerAsync(ringing);
                lock (_calls)
                {
                    _calls.RemoveAll(t => t.IsCompleted);
                    _calls.Add(call);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task AnswerAsync(IncomingCall ringing)
    {
        Report.Line("echo", $"answering {ringing.Caller} ({ringing.OfferedSecurity})");
        await using var tone = new ToneSource(440, amplitude: 0.25);
        await using var discard = new DiscardAudioSink();
        Call call;
        try
        {
            call = await ringing.AcceptAsync(tone, discard, _stop.Token).ConfigureAwait(false);
        }
        catch (CallException e)
        {
            Report.Line("echo", $"could not answer {ringing.Caller}: {e.End}");
            return;
        }
        catch (InvalidOperationException e)
        {
            Report.Line("echo", $"could not answer {ringing.Caller}: {e.Message}"); // the caller gave up meanwhile
            return;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }

        await using (call.ConfigureAwait(false))
        {
            // Digits arrive on a network thread; one loop sends them back in order.
            Channel<char> digits = Channel.CreateUnbounded<char>(new UnboundedChannelOptions { SingleReader = true });
            call.DtmfReceived += (_, e) => digits.Writer.TryWrite(e.Digit);
            Task echoing = EchoDigitsAsync(call, digits.Reader);
            Report.Line("echo", $"in a call with {call.RemoteParty}: security {call.Security}, playing a 440 Hz tone, echoing DTMF");
            CallEnd end = await call.Ended.ConfigureAwait(false);
            digits.Writer.TryComplete();
            await echoing.ConfigureAwait(false);
            Report.Line("echo", $"call with {call.RemoteParty} ended: {end}");
        }
    }

    private static async Task EchoDigitsAsync(Call call, ChannelReader<char> digits)
    {
        await foreach (char digit in digits.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await call.SendDtmfAsync(digit.ToString(), CancellationToken.None).ConfigureAwait(false);
                Report.Line("echo", $"received DTMF {digit}, sent it back");
            }
            catch (InvalidOperationException e)
            {
                Report.Line("echo", $"could not send DTMF {digit} back: {e.Message}"); // the call ended meanwhile
            }
        }
    }

    /// <summary>Where the echo peer's received audio goes: nowhere.</summary>
    private sealed class DiscardAudioSink : IAudioSink
    {
        public ValueTask StartAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask StopAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
