namespace VoipKit.Media.Rtp;

/// <summary>Outcome of <see cref="RtpPacket.TryRead"/>: success or why the packet is not valid RTP.</summary>
public enum RtpReadResult
{
    /// <summary>The packet is well formed.</summary>
    Ok = 0,

    /// <summary>Shorter than the 12-byte fixed header.</summary>
    TooShort,

    /// <summary>The version field is not 2.</summary>
    BadVersion,

    /// <summary>The CSRC count runs past the end of the packet.</summary>
    CsrcOverrun,

    /// <summary>The header extension's header or its declared length runs past the end of the packet.</summary>
    ExtensionOverrun,

    /// <summary>An RFC 8285 extension element runs past the end of the extension block.</summary>
    MalformedExtension,

    /// <summary>The padding bit is set but the padding count is zero or runs into the header.</summary>
    BadPadding,
}
