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

    /// <summary>
    /// The RTP payload type negotiated for RFC 4733 telephone-event with the Opus clock
    /// (<c>a=rtpmap:N telephone-event/48000</c>), or null (the default) when DTMF was not
    /// negotiated: then <see cref="MediaSession.SendDtmfAsync"/> throws and received packets of
    /// no negotiated payload type are rejected. 0–127, other than <see cref="PayloadType"/>.
    /// </summary>
    public byte? TelephoneEventPayloadType { get; init; }

    /// <summary>
    /// How long each DTMF tone lasts, rounded up to whole 20 ms frames: 40 ms (ITU-T Q.24's
    /// shortest tone) to 1 s. Default 100 ms, as WebRTC's <c>insertDTMF</c>.
    /// </summary>
    public TimeSpan DtmfToneDuration { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The time from the end of one DTMF tone to the start of the next, rounded up to whole
    /// 20 ms frames: 40 ms to 1 s. Its first 40 ms carry the two retransmissions of the end
    /// packet (RFC 4733 2.5.1.4); audio packets flow in the rest. Default 60 ms.
    /// </summary>
    public TimeSpan DtmfToneGap { get; init; } = TimeSpan.FromMilliseconds(60);

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
