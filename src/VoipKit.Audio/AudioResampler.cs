using System.Numerics;

namespace VoipKit.Audio;

/// <summary>
/// A streaming sample-rate converter for 16-bit mono audio: a polyphase windowed-sinc
/// (Kaiser) filter evaluated at the exact rational ratio of the two rates, so 44.1 kHz to
/// 48 kHz is 160/147 with no drift. Feed it any chunk sizes; it keeps the history it needs.
/// </summary>
/// <remarks>
/// Output sample <c>n</c> is the band-limited value of the input at time <c>n / outputRate</c>,
/// so input and output are aligned (no added delay in the signal); the price is a latency
/// of <see cref="LatencyInputSamples"/> input samples before the last outputs can be made,
/// which <see cref="Flush"/> releases at the end of a stream. After construction it
/// allocates nothing.
/// </remarks>
public sealed class AudioResampler
{
    private const int ZeroCrossings = 16;
    private const double KaiserBeta = 8.6;
    private const int ChunkInput = 2048;

    private readonly int _up;          // L: output rate / gcd
    private readonly int _down;        // M: input rate / gcd
    private readonly int _halfWidth;   // filter half width, in input samples
    private readonly float[] _taps;    // _up phases x (2 * _halfWidth) taps, phase-major
    private readonly float[] _history; // input samples from absolute index _historyStart
    private long _historyStart;
    private int _historyCount;
    private long _outputIndex;         // next output sample number
    private long _inputCount;          // input samples consumed so far
    private bool _flushed;

    /// <summary>Creates a converter from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    /// <param name="inputRate">Input samples per second, 1,000–384,000.</param>
    /// <param name="outputRate">Output samples per second, 1,000–384,000.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is out of range, or the ratio needs an unreasonably large filter table.</exception>
    public AudioResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputRate, 384_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputRate, 384_000);
        InputRate = inputRate;
        OutputRate = outputRate;
        int g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        if (_up > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(outputRate), $"The ratio {outputRate}/{inputRate} needs {_up} filter phases; at most 4096 are supported.");
        }

        // When decimating, widen the filter in input samples so that it cuts at the output's Nyquist.
        double scale = Math.Min(1.0, (double)outputRate / inputRate);
        _halfWidth = (int)Math.Ceiling(ZeroCrossings / scale);
        _taps = _up == _down ? [] : BuildTaps(_up, _halfWidth, scale * 0.94);
        _history = new float[(2 * _halfWidth) + ChunkInput];
        // Samples before the stream began are silence; output 0 is centred on input 0.
        _historyStart = -_halfWidth;
        _historyCount = _halfWidth;
    }

    /// <summary>The input sample rate.</summary>
    public int InputRate { get; }

    /// <summary>The output sample rate.</summary>
    public int OutputRate { get; }

    /// <summary>How many input samples must follow an input sample before its outputs can be made.</summary>
    public int LatencyInputSamples => _up == _down ? 0 : _halfWidth;

    /// <summary>The most output samples that <paramref name="inputLength"/> more input samples (or a flush) can produce.</summary>
    /// <param name="inputLength">A number of input samples.</param>
    /// <returns>A safe size for the output span.</returns>
    public int GetMaxOutputLength(int inputLength) =>
        (int)Math.Min(int.MaxValue, (((long)inputLength + (2L * _halfWidth) + 1) * _up / _down) + 2);

    /// <summary>Converts <paramref name="input"/>, writing every output sample that is now complete.</summary>
    /// <param name="input">The next input samples.</param>
    /// <param name="output">Space for the output; <see cref="GetMaxOutputLength"/> tells how much is enough.</param>
    /// <returns>The number of output samples written.</returns>
    /// <exception cref="InvalidOperationException">The stream was already flushed.</exception>
    /// <exception cref="ArgumentException">The output span is too small.</exception>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler was flushed; create a new one for a new stream.");
        }

        if (_up == _down)
        {
            if (output.Length < input.Length)
            {
                throw new ArgumentException($"The output needs room for {input.Length} samples.", nameof(output));
            }

            input.CopyTo(output);
            _inputCount += input.Length;
            return input.Length;
        }

        // Checked before any state changes, so a too-small span leaves the stream intact.
        long possible = ((_inputCount + input.Length) * _up / _down) + 1 - _outputIndex;
        if (output.Length < possible)
        {
            throw new ArgumentException($"The output needs room for {possible} samples.", nameof(output));
        }

        int written = 0;
        while (!input.IsEmpty)
        {
            int take = Math.Min(input.Length, _history.Length - _historyCount);
            for (int i = 0; i < take; i++)
            {
                _history[_historyCount + i] = input[i];
            }

            _historyCount += take;
            _inputCount += take;
            input = input[take..];
            written += Produce(output[written..], long.MaxValue);
            Compact();
        }

        return written;
    }

    /// <summary>
    /// Ends the stream: releases the outputs still held back by the filter's look-ahead, so that
    /// the total output is the input's duration at the output rate.
    /// </summary>
    /// <param name="output">Space for the remaining output (<see cref="GetMaxOutputLength"/> of 0).</param>
    /// <returns>The number of output samples written.</returns>
    public int Flush(Span<short> output)
    {
        if (_flushed || _up == _down)
        {
            _flushed = true;
            return 0;
        }

        _flushed = true;
        long totalOutputs = ((_inputCount * _up) + _down - 1) / _down;
        int written = 0;
        // Pad with silence past the end, in chunks, until every output the input covers exists.
        while (_outputIndex < totalOutputs)
        {
            int pad = Math.Min(_history.Length - _historyCount, 2 * _halfWidth);
            Array.Clear(_history, _historyCount, pad);
            _historyCount += pad;
            written += Produce(output[written..], totalOutputs);
            Compact();
        }

        return written;
    }

    private int Produce(Span<short> output, long limit)
    {
        int written = 0;
        int taps = 2 * _halfWidth;
        long historyEnd = _historyStart + _historyCount;
        while (_outputIndex < limit)
        {
            long position = _outputIndex * _down;
            long centre = position / _up;              // the input sample at or before this output's instant
            int phase = (int)(position - (centre * _up));
            long first = centre - _halfWidth + 1;
            if (first + taps > historyEnd)
            {
                break;
            }

            if (written >= output.Length)
            {
                throw new ArgumentException("The output span is too small for the converted samples.", nameof(output));
            }

            ReadOnlySpan<float> h = _taps.AsSpan(phase * taps, taps);
            ReadOnlySpan<float> x = _history.AsSpan((int)(first - _historyStart), taps);
            output[written++] = ToShort(Dot(h, x));
            _outputIndex++;
        }

        return written;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private void Compact()
    {
        // Keep only what the next output still needs: from (its centre - halfWidth + 1).
        long nextCentre = _outputIndex * _down / _up;
        long keepFrom = nextCentre - _halfWidth + 1;
        int drop = (int)Math.Clamp(keepFrom - _historyStart, 0, _historyCount);
        if (drop > 0)
        {
            Array.Copy(_history, drop, _history, 0, _historyCount - drop);
            _historyCount -= drop;
            _historyStart += drop;
        }
    }

    private static float[] BuildTaps(int phases, int halfWidth, double cutoff)
    {
        // Tap k of phase p weighs input (centre - halfWidth + 1 + k) for an output at centre + p/phases.
        int taps = 2 * halfWidth;
        var table = new float[phases * taps];
        double i0Beta = BesselI0(KaiserBeta);
        for (int p = 0; p < phases; p++)
        {
            double frac = (double)p / phases;
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double t = (k - halfWidth + 1) - frac; // input time minus output time, in input samples
                double sinc = t == 0 ? 1 : Math.Sin(Math.PI * cutoff * t) / (Math.PI * cutoff * t);
                double r = t / halfWidth;
                double window = Math.Abs(r) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - (r * r))) / i0Beta;
                double v = cutoff * sinc * window;
                table[(p * taps) + k] = (float)v;
                sum += v;
            }

            // Normalise each phase to unit DC gain so no phase adds a ripple at the output rate.
            for (int k = 0; k < taps; k++)
            {
                table[(p * taps) + k] = (float)(table[(p * taps) + k] / sum);
            }
        }

        return table;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 50; k++)
        {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static short ToShort(float v)
    {
        float r = MathF.Round(v);
        return r >= short.MaxValue ? short.MaxValue : r <= short.MinValue ? short.MinValue : (short)r;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
