namespace VoipKit;

/// <summary>
/// Notices a dead media path within seconds, long before ICE consent does (10 s): when nothing arrives while the peer
/// should be sending, ICE restarts over a re-INVITE. The caller acts first; the callee only if the caller did not.
/// </summary>
public sealed partial class Call
{
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(250);
    private ITimer? _watchdog;
    private long _lastPacketsReceived;
    private long _lastProgressAt;
    private int _silentRestarts;

    // Silence that means the path is gone (RTP flows every 20-60 ms); doubled after each restart that brought nothing
    // back, so a peer that just stopped sending is not flooded with re-INVITEs.
    private TimeSpan SilenceBeforeRestart =>
        (Direction == CallDirection.Outgoing ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(3)) * (1 << Math.Min(Volatile.Read(ref _silentRestarts), 4));

    private void StartWatchdog()
    {
        MarkMediaProgress();
        _watchdog = _ctx.Time.CreateTimer(static s => ((Call)s!).CheckMediaFlow(), this, WatchdogPeriod, WatchdogPeriod);
    }

    private void StopWatchdog() => _watchdog?.Dispose();

    private void MarkMediaProgress() => Interlocked.Exchange(ref _lastProgressAt, _ctx.Time.GetTimestamp());

    private void CheckMediaFlow()
    {
        if (_media is not { } media || _path is not { UsesIce: true } || State != CallState.Active || !media.IsReceiving || IsRemoteOnHold ||
            Volatile.Read(ref _restarting) != 0)
        {
            MarkMediaProgress();
            return;
        }

        long received = media.GetStatistics().InboundRtp?.PacketsReceived ?? 0;
        if (received != Interlocked.Exchange(ref _lastPacketsReceived, received))
        {
            Volatile.Write(ref _silentRestarts, 0);
            MarkMediaProgress();
            return;
        }

        if (_ctx.Time.GetElapsedTime(Interlocked.Read(ref _lastProgressAt)) >= SilenceBeforeRestart && Interlocked.Exchange(ref _restarting, 1) == 0)
        {
            Interlocked.Increment(ref _silentRestarts);
            _ = RestartIceAsync();
        }
    }
}
