namespace VoipKit.Media;

/// <summary>
/// Extends 16-bit RTP sequence numbers to a monotonic 64-bit space across wrap-around, so
/// that reordered packets on either side of a wrap keep their order (RFC 3550 appendix A.1).
/// </summary>
internal struct RtpSequenceUnwrapper
{
    private long _highest;
    private bool _started;

    /// <summary>The highest extended sequence number seen so far.</summary>
    public readonly long Highest => _highest;

    /// <summary>Maps a 16-bit sequence number to its extended value, nearest to the highest seen.</summary>
    public long Unwrap(ushort sequence)
    {
        if (!_started)
        {
            _started = true;
            _highest = sequence;
            return sequence;
        }

        // The signed 16-bit distance puts the packet within +-32768 of the highest one seen.
        short delta = (short)(sequence - (ushort)_highest);
        long extended = _highest + delta;
        if (extended < 0)
        {
            // Before the first packet's cycle: keep it in cycle 0 rather than going negative.
            extended += 65536;
        }

        if (extended > _highest)
        {
            _highest = extended;
        }

        return extended;
    }
}
