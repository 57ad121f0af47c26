using VoipKit.Crypto;
using VoipKit.Media.Adaptation;
using VoipKit.Media.Codecs;
using VoipKit.Media.Jitter;

namespace VoipKit.Media.Session;

/// <summary>Configuration of a <see cref="MediaSession"/>: keys, identifiers, codec and buffer settings, clock.</summary>
public sealed class MediaSessionOptions
{
    /// <summary>The SRTP protection profile both sides agreed.</summary>
    public required SrtpProtectionProfile Profile { get; init; }

    /// <summary>SRTP master key for what this side sends.</summary>
    public required ReadOnlyMemory<byte> SendMasterKey { get; init; }

    /// <summary>SRTP master salt for what this side sends.</summary>
    public required ReadOnlyMemory<byte> SendMasterSalt { get; init; }

    /// <summary>SRTP master key for what this side receives.</summary>
    public required ReadOnlyMemory<byte> ReceiveMasterKey { get; init; }

    /// <summary>SRTP master salt for what this side receives.</summary>
    public required ReadOnlyMemory<byte> ReceiveMasterSalt { get; init; }

    /// <summary>Our SSRC; random when null.</summary>
    public uint? LocalSsrc { get; init; }

    /// <summary>The remote SSRC if signalled; learnt from the first packets otherwise.</summary>
    public uint? RemoteSsrc { get; init; }

    /// <summary>The RTP payload type negotiated for Opus. Default 111.</summary>
    public byte PayloadType { get; init; } = 111;

    /// <summary>The RTCP CNAME. Default a random one.</summary>
    public string? Cname { get; init; }

    /// <summary>Opus encoder start settings.</summary>
    public OpusEncoderSettings Encoder { get; init; } = new();

    /// <summary>Jitter buffer settings.</summary>
    public JitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>Bitrate controller bounds.</summary>
    public BitrateControllerOptions Bitrate { get; init; } = new();

    /// <summary>
    /// How often to send an RTCP report. Default 1 s: faster than RFC 3550's 5 s minimum, as
    /// RTP/AVPF (RFC 4585) allows, so that the bitrate adapts within seconds.
    /// </summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock: <see cref="TimeProvider.System"/>, or a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
