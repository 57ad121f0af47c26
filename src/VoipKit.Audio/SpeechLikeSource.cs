namespace VoipKit.Audio;

/// <summary>
/// A deterministic speech-like test signal: voiced syllables (a glottal pulse train with a
/// moving pitch through vowel formant resonators), unvoiced fricative bursts and pauses, at a
/// level near -20 dBFS. The same seed gives the same samples on every machine, which makes
/// it the reference signal for codec, jitter-buffer and network tests.
/// </summary>
/// <remarks>
/// It has what matters to a voice pipeline (harmonics, formants, onsets, silences for DTX
/// and comfort noise) without being anyone's recorded voice. It is not intelligible.
/// </remarks>
public sealed class SpeechLikeSource : SignalSource
{
    // Vowel formants F1, F2, F3 in Hz (averages for adult speakers).
    private static readonly (double F1, double F2, double F3)[] Vowels =
    [
        (730, 1090, 2440), // a
        (530, 1840, 2480), // e
        (270, 2290, 3010), // i
        (570, 840, 2410),  // o
        (300, 870, 2240),  // u
    ];

    private const double OutputGain = 24_000;

    private ulong _rng;
    private Segment _segment;
    private long _segmentEnd;
    private double _glottalPhase;
    private readonly Resonator[] _formants = [new(), new(), new()];
    private readonly Resonator _fricative = new();
    private double _noiseLowpass;

    /// <summary>Creates the signal.</summary>
    /// <param name="seed">Chooses the sequence of syllables and pauses; any value works.</param>
    /// <param name="duration">How long it lasts; endless when <see langword="null"/>.</param>
    public SpeechLikeSource(int seed = 1, TimeSpan? duration = null)
        : base(duration)
    {
        Seed = seed;
        // xorshift64* from a non-zero state: a deterministic, portable test-signal generator (not for secrets).
        _rng = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) | 1UL;
    }

    /// <summary>The seed the signal was made with.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    protected override void Generate(Span<short> destination, long position)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            long n = position + i;
            if (n >= _segmentEnd)
            {
                StartSegment(n);
            }

            double value = NextSample(n);
            double scaled = Math.Round(value * OutputGain);
            destination[i] = (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
        }
    }

    private void StartSegment(long start)
    {
        double pick = NextUnit();
        SegmentKind kind = pick < 0.62 ? SegmentKind.Voiced : pick < 0.78 ? SegmentKind.Fricative : SegmentKind.Pause;
        double ms = kind switch
        {
            SegmentKind.Voiced => 120 + (NextUnit() * 200),
            SegmentKind.Fricative => 60 + (NextUnit() * 90),
            _ => 80 + (NextUnit() * 420),
        };
        long length = (long)(ms * AudioFormat.SamplesPerMillisecond);
        var vowel = Vowels[(int)(NextUnit() * Vowels.Length) % Vowels.Length];
        double pitchStart = 95 + (NextUnit() * 130);
        double pitchEnd = pitchStart * (0.8 + (NextUnit() * 0.4));
        _segment = new Segment(kind, start, length, pitchStart, pitchEnd, 0.55 + (NextUnit() * 0.45));
        _segmentEnd = start + length;
        _formants[0].Tune(vowel.F1, 90);
        _formants[1].Tune(vowel.F2, 110);
        _formants[2].Tune(vowel.F3, 170);
        _fricative.Tune(3500 + (NextUnit() * 3000), 1800);
    }

    private double NextSample(long n)
    {
        Segment s = _segment;
        double t = (double)(n - s.Start) / s.Length;
        // Raised-cosine attack and release over the first and last 15% keep onsets click-free.
        double envelope = t < 0.15 ? 0.5 - (0.5 * Math.Cos(Math.PI * t / 0.15)) : t > 0.85 ? 0.5 - (0.5 * Math.Cos(Math.PI * (1 - t) / 0.15)) : 1;
        envelope *= s.Level;
        switch (s.Kind)
        {
            case SegmentKind.Voiced:
            {
                double pitch = s.PitchStart + ((s.PitchEnd - s.PitchStart) * t);
                _glottalPhase += pitch / AudioFormat.SampleRate;
                if (_glottalPhase >= 1)
                {
                    _glottalPhase -= 1;
                }

                // A Rosenberg-like pulse: open phase rises and falls, closed phase is flat.
                double g = _glottalPhase < 0.6 ? Math.Sin(Math.PI * _glottalPhase / 0.6) : 0;
                double excitation = (g - 0.38) + (0.02 * NextGaussianish());
                double y = (_formants[0].Process(excitation) * 1.0) + (_formants[1].Process(excitation) * 0.55) + (_formants[2].Process(excitation) * 0.25);
                return envelope * y * 0.9;
            }

            case SegmentKind.Fricative:
            {
                _noiseLowpass = (0.7 * _noiseLowpass) + (0.3 * NextGaussianish());
                return envelope * _fricative.Process(NextGaussianish() - _noiseLowpass) * 0.5;
            }

            default:
                // A faint room-noise floor rather than digital silence, as a microphone gives.
                return 0.0015 * NextGaussianish();
        }
    }

    private double NextUnit() => (NextRandom() >> 11) * (1.0 / (1UL << 53));

    private double NextGaussianish()
    {
        // Sum of four uniforms: cheap, bounded, close enough to normal for a noise source.
        return (NextUnit() + NextUnit() + NextUnit() + NextUnit() - 2.0) * 1.7;
    }

    private ulong NextRandom()
    {
        _rng ^= _rng >> 12;
        _rng ^= _rng << 25;
        _rng ^= _rng >> 27;
        return _rng * 0x2545F4914F6CDD1DUL;
    }

    private enum SegmentKind
    {
        Voiced,
        Fricative,
        Pause,
    }

    private readonly record struct Segment(SegmentKind Kind, long Start, long Length, double PitchStart, double PitchEnd, double Level);

    /// <summary>A two-pole resonator normalised to unit gain at its centre frequency.</summary>
    private sealed class Resonator
    {
        private double _a1;
        private double _a2;
        private double _gain;
        private double _y1;
        private double _y2;

        public void Tune(double frequency, double bandwidth)
        {
            double r = Math.Exp(-Math.PI * bandwidth / AudioFormat.SampleRate);
            double theta = 2 * Math.PI * frequency / AudioFormat.SampleRate;
            _a1 = 2 * r * Math.Cos(theta);
            _a2 = -r * r;
            _gain = (1 - r) * Math.Sqrt(1 - (2 * r * Math.Cos(2 * theta)) + (r * r));
        }

        public double Process(double x)
        {
            double y = (_gain * x) + (_a1 * _y1) + (_a2 * _y2);
            _y2 = _y1;
            _y1 = y;
            return y;
        }
    }
}
