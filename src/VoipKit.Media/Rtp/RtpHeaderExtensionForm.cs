namespace VoipKit.Media.Rtp;

/// <summary>The header extension format of an RTP packet (RFC 8285).</summary>
public enum RtpHeaderExtensionForm
{
    /// <summary>No header extension, or one with a profile that is neither RFC 8285 form.</summary>
    None = 0,

    /// <summary>One-byte elements (profile 0xBEDE): IDs 1 to 14, 1 to 16 bytes each.</summary>
    OneByte,

    /// <summary>Two-byte elements (profile 0x100X): IDs 1 to 255, 0 to 255 bytes each.</summary>
    TwoByte,
}
