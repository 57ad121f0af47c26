using Concentus;
using Concentus.Enums;
using VoipKit.Audio;

namespace VoipKit.Media.Codecs;

/// <summary>
/// Encodes 48 kHz mono speech to Opus packets (RFC 6716, VoIP application), on native libopus
/// when the machine has it (see <see cref="Implementation"/>) or Concentus' managed port.
/// Bitrate (6–64 kbit/s), in-band FEC, DTX, the packet-loss hint and the frame duration can
/// change between frames, as the adaptive bitrate controller asks. Not thread-safe.
/// </summary>
public sealed class OpusAudioEncoder : IDisposable
{
    /// <summary>The lowest bitrate accepted, in bits per second.</summary>
    public const int MinBitrate = 6_000;

    /// <summary>The highest bitrate accepted, in bits per second.</summary>
    public const int MaxBitrate = 64_000;

    /// <summary>Room for the largest packet Opus makes (RFC 6716: 1275 bytes per frame, up to 3 frames of 20 ms in 60 ms).</summary>
    public const int MaxPacketBytes = 4000;

    private readonly IOpusEncoder _encoder;
    private int _frameMilliseconds;
    private bool _disposed;

    /// <summary>Creates an encoder.</summary>
    /// <param name="settings">Start settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public OpusAudioEncoder(OpusEncoderSettings? settings = null)
    {
        settings ??= new OpusEncoderSettings();
        _encoder = settings.Preference == OpusCodecPreference.Managed
            ? CreateManaged()
            : OpusCodecFactory.CreateEncoder(AudioFormat.SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        Implementation = OpusCodecInfo.ImplementationOf(_encoder);
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        _encoder.UseVBR = true;
        _encoder.UseConstrainedVBR = true;
        Complexity = settings.Complexity;
        Bitrate = settings.Bitrate;
        UseInbandFec = settings.UseInbandFec;
        UseDtx = settings.UseDtx;
        PacketLossPercent = settings.PacketLossPercent;
        FrameMilliseconds = settings.FrameMilliseconds;
    }

    /// <summary>Which implementation runs this encoder.</summary>
    public OpusImplementation Implementation { get; }

    /// <summary>The codec library's version text, for logs.</summary>
    public string Version => _encoder.GetVersionString();

    /// <summary>Samples of look-ahead the encoder adds to the end-to-end delay (312 at 48 kHz for libopus in VoIP mode).</summary>
    public int LookaheadSamples => _encoder.Lookahead;

    /// <summary>Target bitrate in bits per second, 6,000–64,000.</summary>
    public int Bitrate
    {
        get => _encoder.Bitrate;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinBitrate);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxBitrate);
            _encoder.Bitrate = value;
        }
    }

    /// <summary>Encoder complexity 0–10.</summary>
    public int Complexity
    {
        get => _encoder.Complexity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10);
            _encoder.Complexity = value;
        }
    }

    /// <summary>Whether packets carry in-band FEC for the previous frame.</summary>
    public bool UseInbandFec
    {
        get => _encoder.UseInbandFEC;
        set => _encoder.UseInbandFEC = value;
    }

    /// <summary>Whether silence is sent as discontinuous transmission.</summary>
    public bool UseDtx
    {
        get => _encoder.UseDTX;
        set => _encoder.UseDTX = value;
    }

    /// <summary>The expected packet loss in percent, 0–100.</summary>
    public int PacketLossPercent
    {
        get => _encoder.PacketLossPercent;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100);
            _encoder.PacketLossPercent = value;
        }
    }

    /// <summary>Frame duration in milliseconds: 10, 20, 40 or 60.</summary>
    public int FrameMilliseconds
    {
        get => _frameMilliseconds;
        set
        {
            if (value is not (10 or 20 or 40 or 60))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Opus frames for calls are 10, 20, 40 or 60 ms.");
            }

            _frameMilliseconds = value;
        }
    }

    /// <summary>Samples per frame at the current frame duration.</summary>
    public int FrameSamples => _frameMilliseconds * AudioFormat.SamplesPerMillisecond;

    /// <summary>Encodes one frame.</summary>
    /// <param name="pcm">Exactly <see cref="FrameSamples"/> samples.</param>
    /// <param name="packet">Where to write the packet; <see cref="MaxPacketBytes"/> is always enough.</param>
    /// <returns>The packet's length in bytes; 1–2 bytes means a DTX frame that need not be sent.</returns>
    /// <exception cref="ArgumentException">The frame has the wrong length or the packet buffer is empty.</exception>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (pcm.Length != FrameSamples)
        {
            throw new ArgumentException($"A {_frameMilliseconds} ms frame has {FrameSamples} samples, not {pcm.Length}.", nameof(pcm));
        }

        if (packet.IsEmpty)
        {
            throw new ArgumentException("The packet buffer is empty.", nameof(packet));
        }

        int n = _encoder.Encode(pcm, FrameSamples, packet, Math.Min(packet.Length, MaxPacketBytes));
        if (n < 0)
        {
            throw new InvalidOperationException($"The Opus encoder failed with error {n}.");
        }

        return n;
    }

    /// <summary>Releases the native encoder.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            (_encoder as IDisposable)?.Dispose();
        }
    }

#pragma warning disable CS0618 // Concentus marks direct construction obsolete in favour of its factory, which cannot force managed code.
    private static Concentus.Structs.OpusEncoder CreateManaged() => new Concentus.Structs.OpusEncoder(AudioFormat.SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
#pragma warning restore CS0618
}
