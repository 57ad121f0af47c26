using VoipKit.Audio;
using VoipKit.Media.Codecs;

namespace VoipKit.Media.Jitter;

/// <summary>
/// An adaptive jitter buffer for one Opus stream, modelled on WebRTC's NetEq: it orders
/// packets by sequence number, drops duplicates and late packets, plays out 20 ms frames on
/// the caller's clock, adapts its target delay to the measured jitter (up fast, down
/// slowly), rebuilds a lost frame from the next packet's in-band FEC when it can and
/// conceals it otherwise, and removes or inserts a pitch period (or a piece of silence) to
/// keep its delay on target, which also absorbs clock drift. New SSRCs and confirmed
/// sequence or timestamp jumps restart it. Sequence numbers the sender spent on something else
/// than audio (RFC 4733 telephone-events, <see cref="InsertNonAudio"/>) are neither lost nor
/// concealed: that media time plays as silence. Nothing is allocated per packet.
/// </summary>
/// <remarks>
/// Call <see cref="Insert"/> as packets arrive and <see cref="Pull"/> every 20 ms (both with
/// the same clock, for example a <see cref="TimeProvider"/>'s elapsed time). Not thread-safe:
/// the media session serialises the two.
/// </remarks>
public sealed partial class JitterBuffer : IDisposable
{
    private const int Frame = AudioFormat.SamplesPerFrame;
    private const int MaxConcealSamples = 48 * 100;   // Opus PLC for 100 ms, then silence
    private const long ResyncJumpPackets = 3;          // consecutive consistent packets that confirm a jump
    private const int MaxDtxFillSamples = 48_000 * 5;  // a DTX gap longer than 5 s is a timestamp jump

    private readonly JitterBufferOptions _options;
    private readonly OpusAudioDecoder _decoder;
    private readonly bool _ownsDecoder;
    private readonly JitterBufferSlot[] _slots;
    private readonly DelayEstimator _estimator;

    // Decoded audio waiting to be emitted, with the arrival time of its packet (ticks; -1 for made-up audio).
    private readonly short[] _sync = new short[OpusPacket.MaxSamples * 4];
    private readonly long[] _syncArrival = new long[OpusPacket.MaxSamples * 4];
    private int _syncCount;
    private readonly short[] _scratch = new short[OpusPacket.MaxSamples + 720];

    private RtpSequenceUnwrapper _sequence;
    private uint? _ssrc;
    private bool _playing;
    private long _nextSeq;          // extended sequence number to play next
    private long _nextTimestamp;    // extended RTP timestamp expected next
    private long _highestSeq = -1;
    private int _lastFrameSamples = Frame;
    private int _concealRun;
    private bool _inConcealment;
    private bool _nonAudio;         // playout passed a non-audio packet (telephone-event) and no audio since
    private long _jumpCandidate = long.MinValue;
    private long _jumpCount;
    private long _tsReference;      // unwrapped timestamps: last seen extended value
    private bool _tsStarted;
    private long _firstTimestamp;
    private bool _disposed;
    private JitterBufferCounters _c;

    /// <summary>Creates a buffer that decodes with its own Opus decoder.</summary>
    /// <param name="options">Limits; defaults when null.</param>
    public JitterBuffer(JitterBufferOptions? options = null)
        : this(new OpusAudioDecoder(), ownsDecoder: true, options)
    {
    }

    /// <summary>Creates a buffer that decodes with <paramref name="decoder"/>.</summary>
    /// <param name="decoder">The decoder (the buffer resets it on resynchronisation).</param>
    /// <param name="ownsDecoder">Whether disposing the buffer disposes the decoder.</param>
    /// <param name="options">Limits; defaults when null.</param>
    public JitterBuffer(OpusAudioDecoder decoder, bool ownsDecoder, JitterBufferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        _options = options ?? new JitterBufferOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 8, nameof(options));
        _decoder = decoder;
        _ownsDecoder = ownsDecoder;
        _slots = new JitterBufferSlot[_options.Capacity];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new JitterBufferSlot(_options.MaxPayloadBytes);
        }

        _estimator = new DelayEstimator(_options);
    }

    /// <summary>The delay the buffer aims for now.</summary>
    public TimeSpan TargetDelay => _estimator.Target;

    /// <summary>Audio buffered now (stored packets plus decoded audio not yet played).</summary>
    public TimeSpan BufferedDuration => AudioFormat.DurationOf(BufferedSamples());

    /// <summary>A snapshot of the counters.</summary>
    public JitterBufferStatistics Statistics => _c.Snapshot(_estimator.Target);

    /// <summary>Whether playout has started (false until the first packets fill the target, and after a restart).</summary>
    internal bool IsPlaying => _playing;

    /// <summary>Offers a received RTP packet's Opus payload.</summary>
    /// <param name="sequence">RTP sequence number.</param>
    /// <param name="timestamp">RTP timestamp (48 kHz).</param>
    /// <param name="ssrc">RTP SSRC.</param>
    /// <param name="payload">The Opus payload; copied.</param>
    /// <param name="arrival">When it arrived, on the clock <see cref="Pull"/> uses.</param>
    /// <returns>What happened to it; never throws for bad packets.</returns>
    public JitterBufferInsertResult Insert(ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, TimeSpan arrival)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (payload.IsEmpty || payload.Length > _options.MaxPayloadBytes || !OpusPacket.TryGetSamples(payload, out int samples))
        {
            _c.Discarded++;
            _c.Malformed++;
            return JitterBufferInsertResult.Malformed;
        }

        return InsertCore(sequence, timestamp, ssrc, payload, samples, arrival, nonAudio: false);
    }

    /// <summary>
    /// Offers a packet of the stream that carries no audio: an RFC 4733 telephone-event, which
    /// uses the audio stream's SSRC and sequence numbers. Its sequence number is then neither a
    /// lost packet nor audio to conceal: while the sender is on events (from the first of them to
    /// the next audio packet), playout goes on in silence at the sender's media clock, counted in
    /// <see cref="JitterBufferStatistics.NonAudioSilenceSamples"/>, and a packet lost meanwhile
    /// counts as lost but is not concealed. It does not count towards the delay estimate (an
    /// event's timestamp is its start, not the time it was sent).
    /// </summary>
    /// <param name="sequence">RTP sequence number.</param>
    /// <param name="timestamp">RTP timestamp (48 kHz; a telephone-event's is the start of the event).</param>
    /// <param name="ssrc">RTP SSRC.</param>
    /// <param name="samples">
    /// The media time it accounts for from <paramref name="timestamp"/>, in samples: a
    /// telephone-event's duration so far (its sender's media clock when it was sent), which keeps
    /// the buffer's level right while the sender is on events. 0 when unknown.
    /// </param>
    /// <param name="arrival">When it arrived, on the clock <see cref="Pull"/> uses.</param>
    /// <returns>What happened to it, as for <see cref="Insert"/>.</returns>
    public JitterBufferInsertResult InsertNonAudio(ushort sequence, uint timestamp, uint ssrc, int samples, TimeSpan arrival)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return InsertCore(sequence, timestamp, ssrc, default, Math.Clamp(samples, 0, MaxDtxFillSamples), arrival, nonAudio: true);
    }

    private JitterBufferInsertResult InsertCore(ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, int samples, TimeSpan arrival, bool nonAudio)
    {
        bool resynced = false;
        if (_ssrc != ssrc)
        {
            // A new source (or the first packet): start over with it.
            resynced = _ssrc is not null;
            Restart(ssrc);
        }

        long ext = _sequence.Unwrap(sequence);
        long extTs = UnwrapTimestamp(timestamp);
        long cap = _slots.Length;
        bool outside = _highestSeq >= 0 && (_playing
            ? ext >= _nextSeq + cap || ext < _nextSeq - cap
            : ext > _highestSeq + cap || ext < _highestSeq - cap);
        if (outside)
        {
            // Far outside the window: a flood from the future, or the sender jumped. Only a run of
            // consistent packets (as RFC 3550's probation) confirms a jump and restarts the buffer.
            if (_jumpCandidate != long.MinValue && ext == _jumpCandidate + 1)
            {
                _jumpCount++;
            }
            else
            {
                _jumpCount = 1;
            }

            _jumpCandidate = ext;
            if (_jumpCount < ResyncJumpPackets)
            {
                _c.Discarded++;
                return JitterBufferInsertResult.TooFarAhead;
            }

            Restart(ssrc);
            ext = _sequence.Unwrap(sequence);
            extTs = UnwrapTimestamp(timestamp);
            resynced = true;
        }
        else
        {
            _jumpCandidate = long.MinValue;
            _jumpCount = 0;
        }

        if (_playing && ext < _nextSeq)
        {
            _c.Discarded++;
            _c.Late++;
            return JitterBufferInsertResult.Late;
        }

        JitterBufferSlot slot = _slots[ext % _slots.Length];
        if (slot.Occupied && slot.Sequence == ext)
        {
            _c.Discarded++;
            _c.Duplicates++;
            return JitterBufferInsertResult.Duplicate;
        }

        if (slot.Occupied && slot.Sequence < ext && !_playing)
        {
            // Before playout starts the window slides with the newest packets.
            slot.Occupied = false;
        }

        if (slot.Occupied)
        {
            _c.Discarded++;
            return JitterBufferInsertResult.TooFarAhead;
        }

        _highestSeq = Math.Max(_highestSeq, ext);
        _c.Received++;
        if (nonAudio)
        {
            slot.StoreNonAudio(ext, extTs, samples, arrival);
        }
        else
        {
            slot.Store(ext, extTs, payload, samples, arrival);
            _estimator.Add(arrival, (extTs - _firstTimestamp) / (double)AudioFormat.SampleRate);
        }

        return resynced ? JitterBufferInsertResult.Resynchronized : JitterBufferInsertResult.Accepted;
    }

    /// <summary>Plays out one 20 ms frame.</summary>
    /// <param name="frame">Exactly <see cref="AudioFormat.SamplesPerFrame"/> samples to fill.</param>
    /// <param name="now">The playout time, on the clock <see cref="Insert"/> uses.</param>
    /// <returns>How the frame was made.</returns>
    public PlayoutKind Pull(Span<short> frame, TimeSpan now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.Length != Frame)
        {
            throw new ArgumentException($"Frames are {Frame} samples.", nameof(frame));
        }

        int target = (int)(_estimator.Target.TotalSeconds * AudioFormat.SampleRate);
        if (!_playing)
        {
            if (_highestSeq < 0 || BufferedSamples() < target)
            {
                frame.Clear();
                return PlayoutKind.Idle;
            }

            StartPlayout();
        }

        // Decide on time-stretching first: it needs two frames of decoded audio to work on.
        int level = BufferedSamples();
        bool accelerate = level > target + (3 * Frame / 2);
        bool decelerate = !accelerate && level < target - (Frame / 4);
        int want = accelerate && HasStoredPackets() ? 2 * Frame : Frame;
        PlayoutKind kind = PlayoutKind.Normal;
        for (int guard = 0; _syncCount < want; guard++)
        {
            if (guard > 64)
            {
                // Defensive: never spin; emit concealment rather than stall playout.
                Conceal(Frame);
                break;
            }

            if (_syncCount >= Frame && !HasStoredPackets())
            {
                break; // enough for this frame; do not conceal just to have more to stretch
            }

            PlayoutKind step = ProduceMore(target);
            if (step != PlayoutKind.Normal && kind is PlayoutKind.Normal)
            {
                kind = step;
            }
        }

        // Keep the delay on target: one stretch per frame at most, never of made-up audio.
        if (kind == PlayoutKind.Normal && _syncCount >= Frame)
        {
            if (accelerate && _syncCount >= 2 * Frame)
            {
                int before = _syncCount;
                _syncCount = TimeStretcher.Shorten(_sync.AsSpan(0, _syncCount));
                int removed = before - _syncCount;
                if (removed > 0)
                {
                    _c.Removed += removed;
                    kind = PlayoutKind.Accelerated;
                }
            }
            else if (decelerate && _syncCount + 720 <= _sync.Length)
            {
                int before = _syncCount;
                _syncCount = TimeStretcher.Lengthen(_sync, _syncCount);
                int inserted = _syncCount - before;
                if (inserted > 0)
                {
                    Array.Fill(_syncArrival, -1, before, inserted);
                    _c.Inserted += inserted;
                    kind = PlayoutKind.Decelerated;
                }
            }
        }

        Emit(frame, now);
        _c.TargetSum += _estimator.Target * Frame;
        return kind;
    }

    /// <summary>
    /// Takes the next frame in playout order without decoding it: the buffer's own cost per
    /// packet (ordering, loss detection, statistics), for benchmarks and tests. Does not
    /// time-stretch or conceal.
    /// </summary>
    /// <param name="destination">Receives the Opus payload (at least <see cref="JitterBufferOptions.MaxPayloadBytes"/> bytes).</param>
    /// <param name="now">The playout time.</param>
    /// <returns>The payload length; 0 when there is nothing to play yet (or the network is late); -1 when the next packet is lost.</returns>
    internal int PullEncoded(Span<byte> destination, TimeSpan now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TimeSpan targetDelay = _estimator.Target;
        if (!_playing)
        {
            int target = (int)(targetDelay.TotalSeconds * AudioFormat.SampleRate);
            if (_highestSeq < 0 || BufferedSamples() < target)
            {
                return 0;
            }

            StartPlayout();
        }

        SkipNonAudio();
        JitterBufferSlot slot = _slots[_nextSeq % _slots.Length];
        if (slot.Occupied && slot.Sequence == _nextSeq)
        {
            slot.Payload.AsSpan(0, slot.Length).CopyTo(destination);
            slot.Occupied = false;
            _nextSeq = slot.Sequence + 1;
            _nextTimestamp = slot.Timestamp + slot.Samples;
            _lastFrameSamples = slot.Samples;
            _c.Emitted += slot.Samples;
            _c.Played += slot.Samples;
            _c.DelaySum += TimeSpan.FromTicks((now.Ticks - slot.ArrivalTicks) * slot.Samples);
            _c.TargetSum += targetDelay * slot.Samples;
            return slot.Length;
        }

        if (HasStoredPackets())
        {
            _c.Lost++;
            _nextSeq++;
            _nextTimestamp += _lastFrameSamples;
            return -1;
        }

        return 0;
    }

    /// <summary>Drops stored packets and unplayed audio (playout paused, as on hold): the next packet starts afresh; no loss, concealment or resync is counted.</summary>
    internal void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ssrc is uint ssrc)
        {
            Restart(ssrc, countResync: false);
        }
    }

    /// <summary>Releases the decoder if the buffer owns it.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_ownsDecoder)
            {
                _decoder.Dispose();
            }
        }
    }

    private PlayoutKind ProduceMore(int target)
    {
        SkipNonAudio();
        JitterBufferSlot slot = _slots[_nextSeq % _slots.Length];
        if (slot.Occupied && slot.Sequence == _nextSeq)
        {
            long gap = slot.Timestamp - _nextTimestamp;
            if (_nonAudio && gap != 0)
            {
                if (gap > 0 && gap <= MaxDtxFillSamples)
                {
                    // The audio after telephone-events: the time the sender spent on them is silence.
                    return PlaySilence((int)Math.Min(gap, Frame));
                }

                if (gap > 0)
                {
                    _c.Resyncs++; // a jump, as below; a packet behind the silence played is simply followed
                }

                return DecodeSlot(slot);
            }

            if (gap > 0 && gap <= MaxDtxFillSamples && _inConcealment == false && _syncCount == 0 && gap % 120 == 0)
            {
                // Sequence numbers are contiguous but time moved on: the sender was in DTX.
                // Fill with comfort noise, or skip the silence when the buffer is above target.
                int n = (int)Math.Min(gap, Frame);
                if (BufferedSamples() > target + Frame)
                {
                    _nextTimestamp += n;
                    _c.Removed += n;
                    return PlayoutKind.ComfortNoise;
                }

                _decoder.Conceal(_scratch, n);
                Append(_scratch.AsSpan(0, n), -1);
                _nextTimestamp += n;
                _c.ComfortNoise += n;
                return PlayoutKind.ComfortNoise;
            }

            if (gap != 0 && (gap < 0 || gap > MaxDtxFillSamples || gap % 120 != 0))
            {
                // The timestamp jumped (or went back): follow it rather than fill or cut minutes.
                _c.Resyncs++;
            }

            return DecodeSlot(slot);
        }

        if (HasStoredPackets())
        {
            if (TrySkipOutage(out JitterBufferSlot? resumed))
            {
                return DecodeSlot(resumed);
            }

            if (_nonAudio || NextStoredIsNonAudioFrom(_nextTimestamp))
            {
                // Lost while the sender was on telephone-events (or the first of them): a lost
                // packet, but no audio to conceal; the time is played by the silence around it.
                _c.Lost++;
                _nextSeq++;
                return PlayoutKind.Silence;
            }

            // The packet to play is missing but later ones are here: it is lost.
            _c.Lost++;
            JitterBufferSlot next = _slots[(_nextSeq + 1) % _slots.Length];
            int lostSamples = _lastFrameSamples;
            _nextSeq++;
            _nextTimestamp += lostSamples;
            if (next.Occupied && next.Sequence == _nextSeq && !next.NonAudio &&
                _decoder.TryDecodeFec(next.Payload.AsSpan(0, next.Length), _scratch, lostSamples, out int fecSamples) == OpusDecodeResult.Ok)
            {
                Append(_scratch.AsSpan(0, fecSamples), next.ArrivalTicks);
                _c.Fec++;
                EndConcealment();
                return PlayoutKind.FecRecovered;
            }

            Conceal(lostSamples);
            return PlayoutKind.Concealed;
        }

        if (_nonAudio)
        {
            // The sender is on telephone-events and sends no audio: its media clock runs on in silence.
            return PlaySilence(Frame);
        }

        // Nothing stored: the network is late. Conceal (not yet declaring the packet lost).
        Conceal(Frame);
        return PlayoutKind.Concealed;
    }

    private PlayoutKind DecodeSlot(JitterBufferSlot slot)
    {
        OpusDecodeResult r = _decoder.TryDecode(slot.Payload.AsSpan(0, slot.Length), _scratch, out int n);
        slot.Occupied = false;
        _nextSeq = slot.Sequence + 1;
        if (r != OpusDecodeResult.Ok)
        {
            // A corrupt payload that passed the framing check: conceal its duration.
            _c.Malformed++;
            _c.Discarded++;
            _nextTimestamp = slot.Timestamp + slot.Samples;
            Conceal(slot.Samples);
            return PlayoutKind.Concealed;
        }

        _lastFrameSamples = n;
        _nextTimestamp = slot.Timestamp + n;
        Append(_scratch.AsSpan(0, n), slot.ArrivalTicks);
        EndConcealment();
        _nonAudio = false;
        return PlayoutKind.Normal;
    }

    private void Append(ReadOnlySpan<short> samples, long arrivalTicks)
    {
        int room = _sync.Length - _syncCount;
        int n = Math.Min(room, samples.Length);
        samples[..n].CopyTo(_sync.AsSpan(_syncCount));
        Array.Fill(_syncArrival, arrivalTicks, _syncCount, n);
        _syncCount += n;
    }

    private void Emit(Span<short> frame, TimeSpan now)
    {
        _sync.AsSpan(0, Frame).CopyTo(frame);
        long decoded = 0;
        double delayTicks = 0;
        for (int i = 0; i < Frame; i++)
        {
            long a = _syncArrival[i];
            if (a >= 0)
            {
                decoded++;
                delayTicks += now.Ticks - a;
            }
        }

        _c.Emitted += decoded;
        _c.DelaySum += TimeSpan.FromTicks((long)delayTicks);
        _c.Played += Frame;
        _sync.AsSpan(Frame, _syncCount - Frame).CopyTo(_sync);
        Array.Copy(_syncArrival, Frame, _syncArrival, 0, _syncCount - Frame);
        _syncCount -= Frame;
    }

    private void StartPlayout()
    {
        long lowest = long.MaxValue;
        foreach (JitterBufferSlot s in _slots)
        {
            if (s.Occupied && s.Sequence < lowest)
            {
                lowest = s.Sequence;
            }
        }

        JitterBufferSlot first = _slots[lowest % _slots.Length];
        _nextSeq = lowest;
        _nextTimestamp = first.Timestamp;
        _playing = true;
    }

    private bool HasStoredPackets() => _highestSeq >= _nextSeq && AnyStored();

    private bool AnyStored()
    {
        for (long s = _nextSeq; s <= _highestSeq && s < _nextSeq + _slots.Length; s++)
        {
            JitterBufferSlot slot = _slots[s % _slots.Length];
            if (slot.Occupied && slot.Sequence == s)
            {
                return true;
            }
        }

        return false;
    }

    private int BufferedSamples()
    {
        if (_highestSeq < 0)
        {
            return _syncCount;
        }

        // From the next timestamp to play to the end of the newest stored packet.
        JitterBufferSlot newest = _slots[_highestSeq % _slots.Length];
        long start = _playing ? _nextTimestamp : long.MaxValue;
        if (!_playing)
        {
            foreach (JitterBufferSlot s in _slots)
            {
                if (s.Occupied)
                {
                    start = Math.Min(start, s.Timestamp);
                }
            }
        }

        if (!newest.Occupied || newest.Sequence != _highestSeq)
        {
            return _syncCount;
        }

        long span = newest.Timestamp + newest.Samples - start;
        return _syncCount + (int)Math.Clamp(span, 0, AudioFormat.SampleRate * 10L);
    }
}
