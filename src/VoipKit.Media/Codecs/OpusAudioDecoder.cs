using Concentus;
using VoipKit.Audio;

namespace VoipKit.Media.Codecs;

/// <summary>
/// Decodes Opus packets to 48 kHz mono, with the two tools a jitter buffer needs when a
/// packet is missing: rebuilding it from the next packet's in-band FEC
/// (<see cref="TryDecodeFec"/>), or concealing it (<see cref="Conceal"/>). Bad packets are
/// results, not exceptions. Not thread-safe.
/// </summary>
public sealed class OpusAudioDecoder : IDisposable
{
    private readonly IOpusDecoder _decoder;
    private bool _disposed;

    /// <summary>Creates a decoder.</summary>
    /// <param name="preference">Native libopus when available, or always managed.</param>
    public OpusAudioDecoder(OpusCodecPreference preference = OpusCodecPreference.Auto)
    {
        _decoder = preference == OpusCodecPreference.Managed
            ? CreateManaged()
            : OpusCodecFactory.CreateDecoder(AudioFormat.SampleRate, 1);
        Implementation = OpusCodecInfo.ImplementationOf(_decoder);
    }

    /// <summary>Which implementation runs this decoder.</summary>
    public OpusImplementation Implementation { get; }

    /// <summary>Decodes one packet.</summary>
    /// <param name="packet">The Opus packet.</param>
    /// <param name="pcm">Room for its samples (up to <see cref="OpusPacket.MaxSamples"/>).</param>
    /// <param name="samples">How many samples were written.</param>
    /// <returns><see cref="OpusDecodeResult.Ok"/> or why not; on failure the decoder state is unchanged.</returns>
    public OpusDecodeResult TryDecode(ReadOnlySpan<byte> packet, Span<short> pcm, out int samples)
    {
        samples = 0;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!OpusPacket.TryGetSamples(packet, out int expected))
        {
            return OpusDecodeResult.Malformed;
        }

        if (pcm.Length < expected)
        {
            return OpusDecodeResult.BufferTooSmall;
        }

        return Run(packet, pcm, expected, fec: false, out samples);
    }

    /// <summary>
    /// Rebuilds a lost frame of <paramref name="lostSamples"/> samples from the in-band FEC
    /// data in the packet that followed it. When that packet carries no FEC, the decoder
    /// conceals instead (the result is still <see cref="OpusDecodeResult.Ok"/>).
    /// </summary>
    /// <param name="nextPacket">The packet after the lost one.</param>
    /// <param name="pcm">Room for <paramref name="lostSamples"/> samples.</param>
    /// <param name="lostSamples">The lost frame's length (a multiple of 2.5 ms).</param>
    /// <param name="samples">How many samples were written.</param>
    /// <returns><see cref="OpusDecodeResult.Ok"/> or why not.</returns>
    public OpusDecodeResult TryDecodeFec(ReadOnlySpan<byte> nextPacket, Span<short> pcm, int lostSamples, out int samples)
    {
        samples = 0;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!OpusPacket.TryGetSamples(nextPacket, out _))
        {
            return OpusDecodeResult.Malformed;
        }

        if (lostSamples <= 0 || lostSamples % 120 != 0 || lostSamples > OpusPacket.MaxSamples || pcm.Length < lostSamples)
        {
            return OpusDecodeResult.BufferTooSmall;
        }

        return Run(nextPacket, pcm, lostSamples, fec: true, out samples);
    }

    /// <summary>Makes <paramref name="samples"/> samples of packet-loss concealment, continuing the last decoded audio.</summary>
    /// <param name="pcm">Where to write them.</param>
    /// <param name="samples">How many: a multiple of 120 (2.5 ms), at most <see cref="OpusPacket.MaxSamples"/>.</param>
    /// <returns>The number of samples written.</returns>
    public int Conceal(Span<short> pcm, int samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (samples <= 0 || samples % 120 != 0 || samples > OpusPacket.MaxSamples || pcm.Length < samples)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "Concealment comes in multiples of 2.5 ms (120 samples), up to 120 ms, within the buffer.");
        }

        OpusDecodeResult r = Run(ReadOnlySpan<byte>.Empty, pcm, samples, fec: false, out int n);
        if (r != OpusDecodeResult.Ok)
        {
            pcm[..samples].Clear();
            return samples;
        }

        return n;
    }

    /// <summary>Forgets all decoder state (after an SSRC change or a long gap).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _decoder.ResetState();
    }

    /// <summary>Releases the native decoder.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            (_decoder as IDisposable)?.Dispose();
        }
    }

    private OpusDecodeResult Run(ReadOnlySpan<byte> packet, Span<short> pcm, int frameSize, bool fec, out int samples)
    {
        try
        {
            samples = _decoder.Decode(packet, pcm, frameSize, fec);
        }
        catch (OpusException)
        {
            // The managed decoder throws on corrupt payloads where libopus returns an error code.
            samples = 0;
            return OpusDecodeResult.Corrupt;
        }
        catch (IndexOutOfRangeException)
        {
            // A corrupt payload can also drive the managed port past its arrays; treat it as corrupt data.
            samples = 0;
            return OpusDecodeResult.Corrupt;
        }

        if (samples < 0)
        {
            samples = 0;
            return OpusDecodeResult.Corrupt;
        }

        return OpusDecodeResult.Ok;
    }

#pragma warning disable CS0618 // Concentus marks direct construction obsolete in favour of its factory, which cannot force managed code.
    private static Concentus.Structs.OpusDecoder CreateManaged() => new Concentus.Structs.OpusDecoder(AudioFormat.SampleRate, 1);
#pragma warning restore CS0618
}
