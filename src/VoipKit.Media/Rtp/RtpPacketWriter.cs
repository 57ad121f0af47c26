using System.Buffers.Binary;

namespace VoipKit.Media.Rtp;

/// <summary>
/// Writes one RTP packet into a caller's buffer, in order: header and CSRCs (<see cref="TryCreate"/>),
/// header extension elements, payload, then <see cref="TryComplete"/> with optional padding.
/// Allocates nothing. "Try" methods return false when the buffer is too small; misuse (an ID the
/// form cannot carry, an extension after the payload) throws, as it is a programming error.
/// </summary>
public ref struct RtpPacketWriter
{
    private readonly Span<byte> _buffer;
    private readonly RtpHeaderExtensionForm _form;
    private int _length;

    // Offset of the extension block's 4-byte header, or 0 while there is none.
    private int _extensionHeader;
    private bool _extensionClosed;
    private bool _payloadStarted;

    private RtpPacketWriter(Span<byte> buffer, int length, RtpHeaderExtensionForm form)
    {
        _buffer = buffer;
        _length = length;
        _form = form;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>
    /// The unused rest of the buffer, for encoding a payload in place (then call <see cref="Advance"/>);
    /// empty when the buffer cannot even hold the extension block's padding.
    /// </summary>
    public Span<byte> PayloadDestination => StartPayload() ? _buffer[_length..] : default;

    /// <summary>Starts a packet: writes the fixed header and the CSRC list.</summary>
    /// <param name="destination">The buffer to write into.</param>
    /// <param name="header">The fixed header fields.</param>
    /// <param name="csrcs">Up to 15 contributing sources.</param>
    /// <param name="writer">The writer when the header fits.</param>
    /// <param name="extensionForm">The RFC 8285 form used if extension elements are added.</param>
    /// <returns>False when the buffer is too small for the header.</returns>
    public static bool TryCreate(Span<byte> destination, in RtpHeader header, ReadOnlySpan<uint> csrcs, out RtpPacketWriter writer, RtpHeaderExtensionForm extensionForm = RtpHeaderExtensionForm.OneByte)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(csrcs.Length, RtpHeader.MaxCsrcCount, nameof(csrcs));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(header.PayloadType, (byte)127, nameof(header));
        writer = default;
        int length = RtpHeader.FixedLength + (4 * csrcs.Length);
        if (destination.Length < length)
        {
            return false;
        }

        destination[0] = (byte)((RtpHeader.Version << 6) | csrcs.Length);
        destination[1] = (byte)((header.Marker ? 0x80 : 0) | header.PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], header.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], header.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], header.Ssrc);
        for (int i = 0; i < csrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(RtpHeader.FixedLength + (4 * i))..], csrcs[i]);
        }

        writer = new RtpPacketWriter(destination, length, extensionForm);
        return true;
    }

    /// <summary>Writes a whole packet without CSRCs or extensions.</summary>
    /// <param name="destination">The buffer to write into.</param>
    /// <param name="header">The fixed header fields.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, in RtpHeader header, ReadOnlySpan<byte> payload, out int written)
    {
        written = 0;
        return TryCreate(destination, header, default, out RtpPacketWriter writer)
            && writer.TryWritePayload(payload)
            && writer.TryComplete(0, out written);
    }

    /// <summary>Adds an RFC 8285 header extension element in the writer's form.</summary>
    /// <param name="id">Local identifier: 1 to 14 (one-byte form) or 1 to 255 (two-byte form).</param>
    /// <param name="value">1 to 16 bytes (one-byte form) or 0 to 255 bytes (two-byte form).</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryAddExtension(byte id, scoped ReadOnlySpan<byte> value)
    {
        if (_payloadStarted || _extensionClosed)
        {
            throw new InvalidOperationException("Header extensions must be added before the payload.");
        }

        int elementHeader;
        switch (_form)
        {
            case RtpHeaderExtensionForm.OneByte:
                ArgumentOutOfRangeException.ThrowIfZero(id);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(id, (byte)14);
                ArgumentOutOfRangeException.ThrowIfZero(value.Length, nameof(value));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, 16, nameof(value));
                elementHeader = 1;
                break;
            case RtpHeaderExtensionForm.TwoByte:
                ArgumentOutOfRangeException.ThrowIfZero(id);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, 255, nameof(value));
                elementHeader = 2;
                break;
            default:
                throw new InvalidOperationException("The writer was created without an RFC 8285 extension form.");
        }

        int needed = (_extensionHeader == 0 ? 4 : 0) + elementHeader + value.Length;
        if (_buffer.Length - _length < needed)
        {
            return false;
        }

        if (_extensionHeader == 0)
        {
            OpenExtension(_form == RtpHeaderExtensionForm.OneByte ? RtpHeaderExtensionParser.OneByteProfile : RtpHeaderExtensionParser.TwoByteProfile);
        }

        if (_form == RtpHeaderExtensionForm.OneByte)
        {
            _buffer[_length++] = (byte)((id << 4) | (value.Length - 1));
        }
        else
        {
            _buffer[_length++] = id;
            _buffer[_length++] = (byte)value.Length;
        }

        value.CopyTo(_buffer[_length..]);
        _length += value.Length;
        return true;
    }

    /// <summary>Writes a header extension with a profile other than RFC 8285's, as raw data.</summary>
    /// <param name="profile">The 16-bit profile-defined field.</param>
    /// <param name="data">The extension data; its length must be a multiple of 4.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryWriteRawExtension(ushort profile, scoped ReadOnlySpan<byte> data)
    {
        if (_payloadStarted || _extensionHeader != 0)
        {
            throw new InvalidOperationException("Only one header extension, before the payload.");
        }

        if (data.Length % 4 != 0 || data.Length / 4 > ushort.MaxValue)
        {
            throw new ArgumentException("Extension data must be a whole number of 32-bit words.", nameof(data));
        }

        if (_buffer.Length - _length < 4 + data.Length)
        {
            return false;
        }

        OpenExtension(profile);
        data.CopyTo(_buffer[_length..]);
        _length += data.Length;
        CloseExtension();
        return true;
    }

    /// <summary>Appends payload bytes (may be called more than once).</summary>
    /// <param name="payload">The bytes to append.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryWritePayload(scoped ReadOnlySpan<byte> payload)
    {
        if (!StartPayload() || _buffer.Length - _length < payload.Length)
        {
            return false;
        }

        payload.CopyTo(_buffer[_length..]);
        _length += payload.Length;
        return true;
    }

    /// <summary>Counts bytes written directly into <see cref="PayloadDestination"/>.</summary>
    /// <param name="count">Bytes written there.</param>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _length);
        _length += count;
    }

    /// <summary>Finishes the packet, adding padding if asked.</summary>
    /// <param name="paddingLength">0, or 1 to 255 padding bytes (the last one holds the count).</param>
    /// <param name="length">The packet's total length.</param>
    /// <returns>False when the buffer is too small.</returns>
    public bool TryComplete(int paddingLength, out int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);
        length = 0;
        if (!StartPayload() || _buffer.Length - _length < paddingLength)
        {
            return false;
        }

        if (paddingLength > 0)
        {
            _buffer.Slice(_length, paddingLength - 1).Clear();
            _length += paddingLength;
            _buffer[_length - 1] = (byte)paddingLength;
            _buffer[0] |= 0x20;
        }

        length = _length;
        return true;
    }

    private void OpenExtension(ushort profile)
    {
        _extensionHeader = _length;
        _buffer[0] |= 0x10;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], profile);
        _length += 4;
    }

    // Pads the extension block to a 32-bit boundary and writes its length in words.
    private bool CloseExtension()
    {
        if (_extensionHeader == 0 || _extensionClosed)
        {
            return true;
        }

        int dataLength = _length - _extensionHeader - 4;
        int padding = (4 - (dataLength % 4)) % 4;
        if (_buffer.Length - _length < padding)
        {
            return false;
        }

        _buffer.Slice(_length, padding).Clear();
        _length += padding;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_extensionHeader + 2)..], (ushort)((dataLength + padding) / 4));
        _extensionClosed = true;
        return true;
    }

    private bool StartPayload()
    {
        if (!_payloadStarted)
        {
            if (!CloseExtension())
            {
                return false;
            }

            _payloadStarted = true;
        }

        return true;
    }
}
