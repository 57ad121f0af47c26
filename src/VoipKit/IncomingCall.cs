using Microsoft.Extensions.Logging;
using VoipKit.Audio;
using VoipKit.Signaling.Sdp;
using VoipKit.Signaling.UserAgent;

namespace VoipKit;

/// <summary>
/// A call ringing at this client, as <see cref="CallClient.IncomingCalls"/> delivers it: who calls, with what security,
/// and the app's choice to accept or decline. It rings until answered, declined, cancelled by the caller, or the
/// <see cref="CallClientOptions.IncomingCallTimeout"/> passes (then it is declined with 408).
/// </summary>
public sealed partial class IncomingCall : IDisposable
{
    private readonly CallContext _ctx;
    private readonly ILogger _logger;
    private readonly SipIncomingCall _sip;
    private readonly SessionDescription _offer;
    private readonly EndToEndKeys.OpenedOffer? _opened;
    private readonly TaskCompletionSource<CallEnd?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timeout;
    private readonly CancellationTokenRegistration _cancelRegistration;
    private int _answered;

    internal IncomingCall(CallContext context, SipIncomingCall sip, string caller, SessionDescription offer, EndToEndKeys.OpenedOffer? opened)
    {
        _ctx = context;
        _logger = context.Loggers.CreateLogger<IncomingCall>();
        _sip = sip;
        _offer = offer;
        _opened = opened;
        Caller = caller;
        CallerDisplayName = sip.From?.DisplayName;
        OfferedSecurity = opened is null ? CallSecurity.HopByHop
            : context.Keys.IsVerified(caller, opened.RemoteIdentity) ? CallSecurity.EndToEndVerified : CallSecurity.EndToEndUnverified;
        SafetyNumber = opened is null ? null : context.Keys.SafetyNumber(caller, opened.RemoteIdentity);
        _timeout = context.Time.CreateTimer(static s => ((IncomingCall)s!).Expire(), this, context.Options.IncomingCallTimeout, Timeout.InfiniteTimeSpan);
        _cancelRegistration = sip.Cancelled.Register(static s => ((IncomingCall)s!).Finish(new CallEnd(CallEndReason.Cancelled, 487, "the caller gave up")), this);
    }

    /// <summary>The caller's address of record, as <c>user@domain</c>.</summary>
    public string Caller { get; }

    /// <summary>The caller's display name, or null.</summary>
    public string? CallerDisplayName { get; }

    /// <summary>The security the call will have if accepted: end to end (verified or not), or hop by hop with a standard phone.</summary>
    public CallSecurity OfferedSecurity { get; }

    /// <summary>The safety number with the caller for an end-to-end call, else null.</summary>
    public string? SafetyNumber { get; }

    /// <summary>Signalled when the caller gives up or the call times out before it is answered.</summary>
    public CancellationToken Cancelled => _sip.Cancelled;

    /// <summary>Completes with how the call ended if it ends before being accepted (cancelled, declined, unanswered), or with null once accepted.</summary>
    public Task<CallEnd?> Outcome => _outcome.Task;

    /// <summary>Answers: finds a media path and starts the audio. Returns the active call.</summary>
    /// <param name="source">What this side says (microphone, file, test signal).</param>
    /// <param name="sink">Where what the caller says goes (speaker, file).</param>
    /// <param name="cancellationToken">Cancels answering (the call is then declined).</param>
    /// <returns>The call, <see cref="CallState.Active"/>.</returns>
    /// <exception cref="CallException">The call could not be set up (the caller gave up, no media path...).</exception>
    /// <exception cref="InvalidOperationException">Already accepted or declined.</exception>
    public async Task<Call> AcceptAsync(IAudioSource source, IAudioSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        TakeAnswer();
        _outcome.TrySetResult(null);
        var call = new Call(_ctx, CallDirection.Incoming, Caller, source, sink);
        _ctx.Track(call);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _sip.Cancelled);
        try
        {
            await call.AcceptCoreAsync(_sip, _offer, _opened, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }

        return call;
    }

    /// <summary>Declines the call.</summary>
    /// <param name="sipStatus">603 Decline (the default), 486 Busy Here, 480 Temporarily Unavailable, or another 4xx-6xx.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">Already accepted or declined.</exception>
    public Task DeclineAsync(int sipStatus = 603)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sipStatus, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sipStatus, 699);
        TakeAnswer();
        Reject(sipStatus);
        Finish(new CallEnd(sipStatus == 486 ? CallEndReason.Busy : CallEndReason.Declined, sipStatus, "declined by this side"));
        return Task.CompletedTask;
    }

    /// <summary>Releases the ringing timer; an unanswered call is declined with 480.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            Reject(480);
            Finish(new CallEnd(CallEndReason.NoAnswer, 480, "released unanswered"));
        }

        _timeout.Dispose();
        _cancelRegistration.Dispose();
        _sip.Dispose();
        _opened?.Secret.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"incoming call from {Caller} ({OfferedSecurity})";

    private void TakeAnswer()
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0 || _sip.IsAnswered)
        {
            throw new InvalidOperationException(_outcome.Task.IsCompleted && _outcome.Task.Result is { } end ? $"The call already ended: {end}" : "The call was already answered.");
        }
    }

    private void Reject(int status)
    {
        try
        {
            _sip.Reject(status);
        }
        catch (InvalidOperationException)
        {
            // cancelled or timed out meanwhile: the caller has its final response already
        }
    }

    private void Expire()
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            Reject(408); // 480 would tell the caller we are offline; 408 says nobody answered
            Finish(new CallEnd(CallEndReason.NoAnswer, 408, "nobody answered in time"));
        }
    }

    private void Finish(CallEnd end)
    {
        Interlocked.Exchange(ref _answered, 1);
        if (_outcome.TrySetResult(end))
        {
            LogUnanswered(_logger, Caller, end);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incoming call from {Caller} ended before it was answered: {End}")]
    private static partial void LogUnanswered(ILogger logger, string caller, CallEnd end);
}
