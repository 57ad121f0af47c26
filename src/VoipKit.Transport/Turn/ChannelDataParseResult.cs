namespace VoipKit.Transport.Turn;

/// <summary>Why <see cref="ChannelData.TryRead"/> rejected a datagram.</summary>
internal enum ChannelDataParseResult
{
    /// <summary>A well-formed ChannelData message.</summary>
    Ok,

    /// <summary>Shorter than the 4-byte header.</summary>
    TooShort,

    /// <summary>The channel number is outside 0x4000–0x4FFF (0x5000–0x7FFF are reserved; other first bytes are not ChannelData).</summary>
    BadChannelNumber,

    /// <summary>The Length field claims more bytes than the datagram holds (RFC 8656 section 12.5: discard).</summary>
    Truncated,

    /// <summary>More bytes follow the data than the padding to a multiple of 4 allows.</summary>
    TrailingBytes,
}
