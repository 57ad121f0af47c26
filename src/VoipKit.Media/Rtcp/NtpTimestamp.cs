namespace VoipKit.Media.Rtcp;

/// <summary>
/// A 64-bit NTP timestamp (RFC 3550 section 4): seconds since 1900-01-01 UTC in the high 32 bits,
/// the binary fraction of a second in the low 32 bits.
/// </summary>
/// <param name="Value">The raw 64-bit value.</param>
public readonly record struct NtpTimestamp(ulong Value)
{
    private static readonly DateTimeOffset Epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Whole seconds since the NTP epoch (modulo 2^32).</summary>
    public uint Seconds => (uint)(Value >> 32);

    /// <summary>The fraction of a second, in units of 2^-32 s.</summary>
    public uint Fraction => (uint)Value;

    /// <summary>The middle 32 bits (16.16 fixed point seconds): the "NTP short format" used for LSR and RTT.</summary>
    public uint ShortFormat => (uint)(Value >> 16);

    /// <summary>Converts a wall-clock time (e.g. <c>TimeProvider.GetUtcNow()</c>) to an NTP timestamp.</summary>
    /// <param name="time">The time; must be after 1900.</param>
    public static NtpTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = (time - Epoch).Ticks;
        ArgumentOutOfRangeException.ThrowIfNegative(ticks, nameof(time));
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong fraction = ((ulong)(ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        return new NtpTimestamp((seconds << 32) | fraction);
    }

    /// <summary>Converts to wall-clock time in the NTP era starting 1900 (truncated to 100 ns ticks).</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        long ticks = (Seconds * TimeSpan.TicksPerSecond) + (long)((Fraction * (ulong)TimeSpan.TicksPerSecond) >> 32);
        return Epoch.AddTicks(ticks);
    }

    /// <summary>Converts a duration in NTP short format units (1/65536 s) to a <see cref="TimeSpan"/>.</summary>
    /// <param name="units">The duration in 1/65536 s.</param>
    public static TimeSpan ShortFormatToTimeSpan(uint units) => TimeSpan.FromTicks((long)((units * (ulong)TimeSpan.TicksPerSecond) >> 16));

    /// <summary>Converts a <see cref="TimeSpan"/> to NTP short format units (1/65536 s), saturating at 2^32 - 1.</summary>
    /// <param name="duration">A non-negative duration.</param>
    public static uint TimeSpanToShortFormat(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return 0;
        }

        ulong units = ((ulong)duration.Ticks << 16) / TimeSpan.TicksPerSecond;
        return units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }
}
