namespace VoipKit.Media.Codecs;

/// <summary>The outcome of decoding one Opus packet.</summary>
public enum OpusDecodeResult
{
    /// <summary>Decoded.</summary>
    Ok,

    /// <summary>The packet breaks RFC 6716's framing rules: dropped before the decoder saw it.</summary>
    Malformed,

    /// <summary>The decoder refused the packet (corrupt payload).</summary>
    Corrupt,

    /// <summary>The output buffer cannot hold the packet's samples.</summary>
    BufferTooSmall,
}
