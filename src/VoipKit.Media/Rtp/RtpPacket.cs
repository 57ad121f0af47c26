using System.Buffers.Binary;

namespace VoipKit.Media.Rtp;

/// <summary>
/// A validated view of one RTP packet (RFC 3550 section 5.1) over the caller's buffer: reading it
/// allocates nothing and copies nothing. Create it with <see cref="TryRead"/>, which checks every
/// length against the buffer so no accessor can read outside it.
/// </summary>
public readonly ref struct RtpPacket
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _csrcCount;
    private readonly int _extensionOffset;
    private readonly int _extensionLength;
    private readonly int _headerLength;
    private readonly int _paddingLength;

    private RtpPacket(ReadOnlySpan<byte> packet, int csrcCount, int extensionOffset, int extensionLength, int headerLength, int paddingLength)
    {
        _packet = packet;
        _csrcCount = csrcCount;
        _extensionOffset = extensionOffset;
        _extensionLength = extensionLength;
        _headerLength = headerLength;
        _paddingLength = paddingLength;
    }

    /// <summary>The fixed header fields.</summary>
    public RtpHeader Header => new(PayloadType, SequenceNumber, Timestamp, Ssrc, Marker);

    /// <summary>The marker bit.</summary>
    public bool Marker => (_packet[1] & 0x80) != 0;

    /// <summary>The payload type (0 to 127).</summary>
    public byte PayloadType => (byte)(_packet[1] & 0x7F);

    /// <summary>The 16-bit sequence number.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet[2..]);

    /// <summary>The RTP timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);

    /// <summary>The synchronization source identifier.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);

    /// <summary>The number of contributing sources (0 to 15).</summary>
    public int CsrcCount => _csrcCount;

    /// <summary>Whether the packet has a header extension (the X bit).</summary>
    public bool HasExtension => _extensionOffset > 0;

    /// <summary>The header extension's profile field (0xBEDE, 0x100X or another profile); 0 without an extension.</summary>
    public ushort ExtensionProfile => HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_packet[(_extensionOffset - 4)..]) : (ushort)0;

    /// <summary>The RFC 8285 form of the header extension, from its profile.</summary>
    public RtpHeaderExtensionForm ExtensionForm => HasExtension ? RtpHeaderExtensionParser.FormOf(ExtensionProfile) : RtpHeaderExtensionForm.None;

    /// <summary>The header extension's data (after its 4-byte header), padding included.</summary>
    public ReadOnlySpan<byte> ExtensionData => HasExtension ? _packet.Slice(_extensionOffset, _extensionLength) : default;

    /// <summary>The header's length: fixed part, CSRCs and extension.</summary>
    public int HeaderLength => _headerLength;

    /// <summary>The number of padding bytes at the end (the last byte's count), 0 without the P bit.</summary>
    public int PaddingLength => _paddingLength;

    /// <summary>The payload, without header or padding.</summary>
    public ReadOnlySpan<byte> Payload => _packet[_headerLength..(_packet.Length - _paddingLength)];

    /// <summary>The whole packet as read.</summary>
    public ReadOnlySpan<byte> Span => _packet;

    /// <summary>Returns one contributing source identifier.</summary>
    /// <param name="index">0 to <see cref="CsrcCount"/> - 1.</param>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _csrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_packet[(RtpHeader.FixedLength + (4 * index))..]);
    }

    /// <summary>Enumerates the RFC 8285 extension elements (none for other profiles).</summary>
    public RtpHeaderExtensionEnumerator GetExtensions() => new(ExtensionData, ExtensionForm);

    /// <summary>Finds the first RFC 8285 extension element with a local identifier.</summary>
    /// <param name="id">The local identifier negotiated for the extension.</param>
    /// <param name="value">The element's data when found.</param>
    /// <returns>Whether the element is present.</returns>
    public bool TryGetExtension(byte id, out ReadOnlySpan<byte> value)
    {
        foreach (RtpHeaderExtension element in GetExtensions())
        {
            if (element.Id == id)
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Validates and reads an RTP packet. Checks the version, that the CSRC list, the extension
    /// (including each RFC 8285 element) and the padding fit in the buffer.
    /// </summary>
    /// <param name="packet">The whole packet (for SRTP, after unprotecting).</param>
    /// <param name="result">The packet view when the result is <see cref="RtpReadResult.Ok"/>; default otherwise.</param>
    /// <returns><see cref="RtpReadResult.Ok"/> or the reason the packet is invalid.</returns>
    public static RtpReadResult TryRead(ReadOnlySpan<byte> packet, out RtpPacket result)
    {
        result = default;
        if (packet.Length < RtpHeader.FixedLength)
        {
            return RtpReadResult.TooShort;
        }

        byte first = packet[0];
        if (first >> 6 != RtpHeader.Version)
        {
            return RtpReadResult.BadVersion;
        }

        int csrcCount = first & 0x0F;
        int headerLength = RtpHeader.FixedLength + (4 * csrcCount);
        if (headerLength > packet.Length)
        {
            return RtpReadResult.CsrcOverrun;
        }

        int extensionOffset = 0;
        int extensionLength = 0;
        if ((first & 0x10) != 0)
        {
            if (packet.Length - headerLength < 4)
            {
                return RtpReadResult.ExtensionOverrun;
            }

            ushort profile = BinaryPrimitives.ReadUInt16BigEndian(packet[headerLength..]);
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
            extensionOffset = headerLength + 4;
            if (extensionLength > packet.Length - extensionOffset)
            {
                return RtpReadResult.ExtensionOverrun;
            }

            if (!RtpHeaderExtensionParser.Validate(packet.Slice(extensionOffset, extensionLength), RtpHeaderExtensionParser.FormOf(profile)))
            {
                return RtpReadResult.MalformedExtension;
            }

            headerLength = extensionOffset + extensionLength;
        }

        int paddingLength = 0;
        if ((first & 0x20) != 0)
        {
            // The last byte counts the padding, itself included (RFC 3550 5.1).
            paddingLength = packet[^1];
            if (paddingLength == 0 || paddingLength > packet.Length - headerLength)
            {
                return RtpReadResult.BadPadding;
            }
        }

        result = new RtpPacket(packet, csrcCount, extensionOffset, extensionLength, headerLength, paddingLength);
        return RtpReadResult.Ok;
    }
}
