namespace VoipKit.Media.Rtp;

/// <summary>
/// Per-source reception state exactly as RFC 3550 appendix A: sequence validation with probation
/// (A.1), expected and lost packets with the per-interval fraction (A.3), and interarrival jitter (A.8).
/// </summary>
internal sealed class RtpSourceState
{
    internal const int SequenceModulo = 1 << 16;
    internal const int MaxDropout = 3000;
    internal const int MaxMisorder = 100;

    private readonly int _minSequential;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq;
    private int _probation;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private int _transit;
    private bool _hasTransit;
    private double _jitter;

    internal RtpSourceState(uint ssrc, ushort firstSequence, int minSequential)
    {
        Ssrc = ssrc;
        _minSequential = minSequential;
        // A.1: a new source starts in probation, as if the packet before the first had been seen.
        InitSequence(firstSequence);
        _maxSeq = (ushort)(firstSequence - 1);
        _probation = minSequential;
    }

    internal uint Ssrc { get; }

    /// <summary>Whether the source has passed probation.</summary>
    internal bool IsValid => _probation == 0;

    /// <summary>Whether the last rejected packet was a large jump (A.1's bad_seq), not probation.</summary>
    internal bool LastRejectWasJump { get; private set; }

    internal uint ExtendedHighestSequence => _cycles + _maxSeq;

    internal long Expected => (long)ExtendedHighestSequence - _baseSeq + 1;

    internal long Received => _received;

    /// <summary>The unrounded jitter estimate (A.8 floating-point form).</summary>
    internal double JitterEstimate => _jitter;

    /// <summary>The jitter estimate in RTP timestamp units, as A.8 reports it (truncated).</summary>
    internal uint Jitter => (uint)_jitter;

    /// <summary>Cumulative lost packets (A.3), not clamped.</summary>
    internal long CumulativeLost => Expected - _received;

    /// <summary>RFC 3550 A.1 update_seq: whether the packet is valid for this source.</summary>
    internal bool UpdateSequence(ushort seq)
    {
        LastRejectWasJump = false;
        var udelta = (ushort)(seq - _maxSeq);
        if (_probation > 0)
        {
            // Packets are accepted only after MIN_SEQUENTIAL of them in sequence.
            if (seq == (ushort)(_maxSeq + 1))
            {
                _probation--;
                _maxSeq = seq;
                if (_probation == 0)
                {
                    InitSequence(seq);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = _minSequential - 1;
                _maxSeq = seq;
            }

            return false;
        }

        if (udelta < MaxDropout)
        {
            // In order, with a permissible gap.
            if (seq < _maxSeq)
            {
                _cycles += SequenceModulo;
            }

            _maxSeq = seq;
        }
        else if (udelta <= SequenceModulo - MaxMisorder)
        {
            // A very large jump: accept it only when the next packet follows it (the sender restarted).
            if (seq == _badSeq)
            {
                InitSequence(seq);
            }
            else
            {
                _badSeq = (uint)((seq + 1) & (SequenceModulo - 1));
                LastRejectWasJump = true;
                return false;
            }
        }

        // Otherwise a duplicate or reordered packet: counted, max_seq unchanged.
        _received++;
        return true;
    }

    /// <summary>RFC 3550 A.8 interarrival jitter, with arrival and timestamp in the same RTP clock units.</summary>
    internal void UpdateJitter(uint arrivalRtpUnits, uint rtpTimestamp)
    {
        // 32-bit wrapping arithmetic, as the RFC's int transit.
        int transit = unchecked((int)(arrivalRtpUnits - rtpTimestamp));
        if (!_hasTransit)
        {
            // The first packet only sets the reference (the RFC's code starts from transit 0).
            _transit = transit;
            _hasTransit = true;
            return;
        }

        int d = unchecked(transit - _transit);
        _transit = transit;
        if (d < 0)
        {
            d = -d;
        }

        _jitter += (1.0 / 16.0) * (d - _jitter);
    }

    /// <summary>RFC 3550 A.3: the fraction lost since the previous call, in 1/256 (updates the priors).</summary>
    internal byte TakeFractionLost()
    {
        long expected = Expected;
        long expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        long receivedInterval = _received - _receivedPrior;
        _receivedPrior = _received;
        long lostInterval = expectedInterval - receivedInterval;
        return expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)((lostInterval << 8) / expectedInterval);
    }

    private void InitSequence(ushort seq)
    {
        _baseSeq = seq;
        _maxSeq = seq;
        _badSeq = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }
}
