namespace VoipKit.Crypto;

/// <summary>Per-SSRC state: highest index seen or sent, replay window, next SRTCP index.</summary>
internal struct SrtpStream
{
    /// <summary>The stream's SSRC.</summary>
    public uint Ssrc;

    /// <summary>Highest packet index (48-bit SRTP: ROC * 65536 + SEQ; 31-bit SRTCP).</summary>
    public ulong Highest;

    /// <summary>Bit i set: index <see cref="Highest"/> - i was accepted.</summary>
    public UInt128 Window;

    /// <summary>Next SRTCP index to send (sending side only).</summary>
    public uint NextRtcpIndex;
}

/// <summary>
/// A fixed-capacity table of <see cref="SrtpStream"/> found by SSRC. Allocated once: a call has a
/// handful of SSRCs, so a linear search with a last-hit shortcut beats hashing.
/// </summary>
internal sealed class SrtpStreamTable
{
    /// <summary>Packets the replay window covers.</summary>
    public const int WindowSize = 128;

    private readonly SrtpStream[] _streams;
    private int _count;
    private int _last;

    public SrtpStreamTable(int capacity) => _streams = new SrtpStream[capacity];

    /// <summary>Number of streams tracked.</summary>
    public int Count => _count;

    /// <summary>True when no new stream fits.</summary>
    public bool IsFull => _count == _streams.Length;

    /// <summary>The stream at <paramref name="slot"/>.</summary>
    public ref SrtpStream this[int slot] => ref _streams[slot];

    /// <summary>The slot of <paramref name="ssrc"/>, or -1.</summary>
    public int Find(uint ssrc)
    {
        SrtpStream[] streams = _streams;
        int last = _last;
        if (last < _count && streams[last].Ssrc == ssrc)
        {
            return last;
        }

        for (int i = 0; i < _count; i++)
        {
            if (streams[i].Ssrc == ssrc)
            {
                _last = i;
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds a stream whose first index is <paramref name="firstIndex"/>; -1 when full.</summary>
    public int Add(uint ssrc, ulong firstIndex)
    {
        if (IsFull)
        {
            return -1;
        }

        int slot = _count++;
        _streams[slot] = new SrtpStream { Ssrc = ssrc, Highest = firstIndex, Window = UInt128.One };
        _last = slot;
        return slot;
    }

    /// <summary>
    /// The SRTP index of sequence number <paramref name="seq"/> given the highest index so far
    /// (RFC 3711 section 3.3.1: the ROC guess is ROC - 1, ROC or ROC + 1).
    /// </summary>
    public static ulong EstimateIndex(ulong highest, ushort seq)
    {
        ulong roc = highest >> 16;
        uint last = (uint)(highest & 0xFFFF);
        ulong v = roc;
        if (last < 32768)
        {
            if (seq > last + 32768 && roc > 0)
            {
                v = roc - 1;
            }
        }
        else if (last - 32768 > seq)
        {
            v = roc + 1;
        }

        return (v << 16) | seq;
    }

    /// <summary>Whether <paramref name="index"/> may be accepted (before authentication).</summary>
    public static SrtpResult CheckReplay(in SrtpStream stream, ulong index)
    {
        if (index > stream.Highest)
        {
            return SrtpResult.Ok;
        }

        ulong delta = stream.Highest - index;
        if (delta >= WindowSize)
        {
            return SrtpResult.TooOld;
        }

        return ((stream.Window >> (int)delta) & UInt128.One) != UInt128.Zero ? SrtpResult.Replayed : SrtpResult.Ok;
    }

    /// <summary>Records an authenticated <paramref name="index"/>.</summary>
    public static void Accept(ref SrtpStream stream, ulong index)
    {
        if (index > stream.Highest)
        {
            ulong shift = index - stream.Highest;
            stream.Window = shift >= WindowSize ? UInt128.One : (stream.Window << (int)shift) | UInt128.One;
            stream.Highest = index;
        }
        else
        {
            stream.Window |= UInt128.One << (int)(stream.Highest - index);
        }
    }

    /// <summary>Forgets every stream.</summary>
    public void Clear()
    {
        Array.Clear(_streams);
        _count = 0;
        _last = 0;
    }
}
