using System.Buffers.Binary;

namespace VoipKit.Media.Rtp;

/// <summary>
/// One RFC 4733 telephone-event payload (section 2.3): an event code (a DTMF digit, see
/// <see cref="DtmfDigit"/>), the end bit, the volume and the duration so far.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     event     |E|R| volume    |          duration             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The reserved bit R is written as 0 and ignored on reading (RFC 4733 2.3.3). Only the first
/// event of a payload is read: packing several events into one packet (RFC 4733 2.5.1.5) and
/// RFC 2198 redundancy are not supported, so the bytes after the first 4 are ignored, as
/// WebRTC does.
/// </remarks>
public readonly record struct TelephoneEvent
{
    /// <summary>The length of one event in a payload, in bytes.</summary>
    public const int Length = 4;

    /// <summary>The largest <see cref="Volume"/>: -63 dBm0.</summary>
    public const byte MaxVolume = 63;

    /// <summary>Creates an event.</summary>
    /// <param name="eventCode">The event code, 0–255 (0–15 are the DTMF digits).</param>
    /// <param name="end">Whether this packet reports the end of the event.</param>
    /// <param name="volume">The power level as a positive number of dB below 0 dBm0, 0–63.</param>
    /// <param name="duration">The duration so far, in RTP timestamp units.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="volume"/> is above 63.</exception>
    public TelephoneEvent(byte eventCode, bool end, byte volume, ushort duration)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(volume, MaxVolume);
        Event = eventCode;
        End = end;
        Volume = volume;
        Duration = duration;
    }

    /// <summary>The event code, 0–255; 0–15 are the DTMF digits 0–9, *, #, A–D (RFC 4733 3.2).</summary>
    public byte Event { get; }

    /// <summary>The E bit: this packet reports the end of the event (and is sent three times).</summary>
    public bool End { get; }

    /// <summary>The power level as a positive number of dB below 0 dBm0, 0–63 (10 means -10 dBm0).</summary>
    public byte Volume { get; }

    /// <summary>How long the event has lasted so far, in RTP timestamp units from the packet's RTP timestamp (the event's start).</summary>
    public ushort Duration { get; }

    /// <summary>Reads the first event of a telephone-event payload.</summary>
    /// <param name="payload">The RTP payload.</param>
    /// <param name="value">The event; default when the payload is too short.</param>
    /// <returns>False when the payload is shorter than <see cref="Length"/> bytes.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out TelephoneEvent value)
    {
        if (payload.Length < Length)
        {
            value = default;
            return false;
        }

        value = new TelephoneEvent(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    /// <summary>Writes the event as a 4-byte payload, with the reserved bit 0.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="written">4, or 0 when <paramref name="destination"/> is too small.</param>
    /// <returns>False when <paramref name="destination"/> is shorter than <see cref="Length"/> bytes.</returns>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        if (destination.Length < Length)
        {
            written = 0;
            return false;
        }

        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        written = Length;
        return true;
    }
}
