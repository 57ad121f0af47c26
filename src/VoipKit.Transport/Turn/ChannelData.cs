using System.Buffers;
using System.Buffers.Binary;

namespace VoipKit.Transport.Turn;

/// <summary>
/// ChannelData messages (RFC 8656 section 12.4): a 2-byte channel number (0x4000–0x4FFF), a 2-byte length of the
/// application data, then the data. Over UDP the padding to a multiple of 4 is optional (section 12.5): the writer
/// leaves it out unless asked, the reader accepts a datagram carrying up to the padding and nothing more.
/// Span-based, no allocation, and the Try paths never throw on bad input.
/// </summary>
internal static class ChannelData
{
    /// <summary>The header's length: channel number and length.</summary>
    public const int HeaderLength = 4;

    /// <summary>The lowest channel number a client may bind.</summary>
    public const ushort MinChannel = 0x4000;

    /// <summary>The highest channel number a client may bind.</summary>
    public const ushort MaxChannel = 0x4FFF;

    /// <summary>The most data one message carries (the Length field is 16 bits).</summary>
    public const int MaxDataLength = ushort.MaxValue;

    /// <summary>Whether <paramref name="channel"/> is one a client may bind (0x4000–0x4FFF).</summary>
    public static bool IsValidChannel(int channel) => channel is >= MinChannel and <= MaxChannel;

    /// <summary>
    /// The demultiplexing check for a socket shared with STUN (RFC 7983 / RFC 8656 section 12: STUN starts with 0–3,
    /// ChannelData with 0x40–0x4F), plus the header. Does not check the length: <see cref="TryRead"/> does.
    /// </summary>
    public static bool IsChannelData(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && (datagram[0] & 0xF0) == 0x40;

    /// <summary>The bytes a message with <paramref name="dataLength"/> bytes of data takes, with or without padding.</summary>
    public static int GetLength(int dataLength, bool pad = false) => HeaderLength + (pad ? (dataLength + 3) & ~3 : dataLength);

    /// <summary>Reads one ChannelData message from a datagram. Never throws.</summary>
    /// <param name="datagram">The received datagram.</param>
    /// <param name="channel">The channel number.</param>
    /// <param name="data">The application data, a slice of <paramref name="datagram"/>.</param>
    public static ChannelDataParseResult TryRead(ReadOnlySpan<byte> datagram, out ushort channel, out ReadOnlySpan<byte> data)
    {
        channel = 0;
        data = default;
        if (datagram.Length < HeaderLength)
        {
            return ChannelDataParseResult.TooShort;
        }

        ushort number = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        if (!IsValidChannel(number))
        {
            return ChannelDataParseResult.BadChannelNumber;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        int available = datagram.Length - HeaderLength;
        if (length > available)
        {
            return ChannelDataParseResult.Truncated;
        }

        if (available > ((length + 3) & ~3))
        {
            return ChannelDataParseResult.TrailingBytes;
        }

        channel = number;
        data = datagram.Slice(HeaderLength, length);
        return ChannelDataParseResult.Ok;
    }

    /// <summary>Writes a ChannelData message into <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the message goes.</param>
    /// <param name="channel">A channel number of 0x4000–0x4FFF.</param>
    /// <param name="data">The application data (at most 65535 bytes).</param>
    /// <param name="written">The message's length, 0 when it failed.</param>
    /// <param name="pad">Pad to a multiple of 4 bytes with zeros (required over TCP, optional over UDP).</param>
    /// <returns><see langword="false"/> for a bad channel number, too much data or too small a destination.</returns>
    public static bool TryWrite(Span<byte> destination, ushort channel, ReadOnlySpan<byte> data, out int written, bool pad = false)
    {
        written = 0;
        int total = GetLength(data.Length, pad);
        if (!IsValidChannel(channel) || data.Length > MaxDataLength || total > destination.Length)
        {
            return false;
        }

        WriteHeader(destination, channel, data.Length);
        data.CopyTo(destination[HeaderLength..]);
        destination[(HeaderLength + data.Length)..total].Clear();
        written = total;
        return true;
    }

    /// <summary>Writes a ChannelData message into <paramref name="output"/> and advances it.</summary>
    /// <returns><see langword="false"/> for a bad channel number or too much data (nothing is written).</returns>
    public static bool TryWrite(IBufferWriter<byte> output, ushort channel, ReadOnlySpan<byte> data, bool pad = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!IsValidChannel(channel) || data.Length > MaxDataLength)
        {
            return false;
        }

        int total = GetLength(data.Length, pad);
        if (!TryWrite(output.GetSpan(total), channel, data, out int written, pad))
        {
            return false;
        }

        output.Advance(written);
        return true;
    }

    /// <summary>
    /// Writes only the header for <paramref name="dataLength"/> bytes of data that the caller puts (or already put)
    /// right after it: the zero-copy path when the payload is produced in place.
    /// </summary>
    /// <returns><see langword="false"/> for a bad channel number, length or too small a destination.</returns>
    public static bool TryWriteHeader(Span<byte> destination, ushort channel, int dataLength)
    {
        if (!IsValidChannel(channel) || dataLength is < 0 or > MaxDataLength || destination.Length < HeaderLength)
        {
            return false;
        }

        WriteHeader(destination, channel, dataLength);
        return true;
    }

    private static void WriteHeader(Span<byte> destination, ushort channel, int dataLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)dataLength);
    }
}
