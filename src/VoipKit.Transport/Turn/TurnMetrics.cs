using System.Diagnostics.Metrics;

namespace VoipKit.Transport.Turn;

/// <summary>
/// TURN client metrics (meter "VoipKit.Transport.Turn"). Only rare events are counted here: allocations, failures and
/// drops; per-packet counts stay in <see cref="TurnCounters"/> so the data paths pay nothing for a listener.
/// </summary>
internal static class TurnMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "VoipKit.Transport.Turn";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Allocations created.</summary>
    public static readonly Counter<long> Allocations = Meter.CreateCounter<long>("voipkit.turn.allocations", description: "TURN allocations created");

    /// <summary>Allocations lost (437, expiry).</summary>
    public static readonly Counter<long> AllocationsLost = Meter.CreateCounter<long>("voipkit.turn.allocations_lost", description: "TURN allocations lost before being closed");

    /// <summary>Failed refreshes.</summary>
    public static readonly Counter<long> RefreshFailures = Meter.CreateCounter<long>("voipkit.turn.refresh_failures", description: "TURN refreshes that failed");

    /// <summary>Exceptions thrown by application callbacks (logged, then ignored).</summary>
    public static readonly Counter<long> HandlerFailures = Meter.CreateCounter<long>("voipkit.turn.handler_failures", description: "Exceptions thrown by TURN application callbacks");

    /// <summary>Dropped datagrams, tagged with the reason.</summary>
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("voipkit.turn.dropped", description: "Datagrams the TURN client dropped");
}
