using VoipKit.Audio;
using VoipKit.Media.Codecs;

namespace VoipKit.Media.Jitter;

/// <summary>The parts of the stream that are not simply the next packet: losses (concealment), outages, and time the sender spent on non-audio packets, timestamp jumps and new sources.</summary>
public sealed partial class JitterBuffer
{
    // Moves playout past the non-audio packets (telephone-events) at its position: from the first
    // until the next audio packet, the sender's media time plays as silence.
    private void SkipNonAudio()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            JitterBufferSlot slot = _slots[_nextSeq % _slots.Length];
            if (!slot.Occupied || slot.Sequence != _nextSeq || !slot.NonAudio)
            {
                return;
            }

            slot.Occupied = false;
            _nextSeq++;
            _nonAudio = true;
        }
    }

    // Whether the next packet stored after the missing one(s) is a telephone-event that began no later than
    // the playout position: then the missing ones were events too (audio there would have pushed its start on).
    private bool NextStoredIsNonAudioFrom(long timestamp)
    {
        for (long seq = _nextSeq + 1; seq <= _highestSeq && seq < _nextSeq + _slots.Length; seq++)
        {
            JitterBufferSlot slot = _slots[seq % _slots.Length];
            if (slot.Occupied && slot.Sequence == seq)
            {
                return slot.NonAudio && slot.Timestamp <= timestamp;
            }
        }

        return false;
    }

    private PlayoutKind PlaySilence(int samples)
    {
        _scratch.AsSpan(0, samples).Clear();
        Append(_scratch.AsSpan(0, samples), -1);
        _nextTimestamp += samples;
        _c.NonAudioSilence += samples;
        EndConcealment();
        return PlayoutKind.Silence;
    }

    // After an outage longer than the maximum delay (a path that died and came back), the packets missing before the
    // first one stored would play later than the buffer ever waits: they are lost. Jump to what arrived instead of
    // concealing through each of them, which would keep playout that far behind the stream for good.
    private bool TrySkipOutage([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JitterBufferSlot? resumed)
    {
        resumed = null;
        long maxDelaySamples = (long)(_options.MaximumDelay.TotalSeconds * AudioFormat.SampleRate);
        for (long seq = _nextSeq + 1; seq <= _highestSeq && seq < _nextSeq + _slots.Length; seq++)
        {
            JitterBufferSlot slot = _slots[seq % _slots.Length];
            if (slot.Occupied && slot.Sequence == seq)
            {
                if (slot.Timestamp - _nextTimestamp <= maxDelaySamples)
                {
                    return false;
                }

                _c.Lost += seq - _nextSeq;
                _c.Resyncs++;
                _nextSeq = seq;
                _nextTimestamp = slot.Timestamp;
                EndConcealment();
                resumed = slot;
                return true;
            }
        }

        return false;
    }

    private void Conceal(int samples)
    {
        samples = Math.Clamp(samples - (samples % 120), 120, OpusPacket.MaxSamples);
        if (!_inConcealment)
        {
            _inConcealment = true;
            _concealRun = 0;
            _c.ConcealmentEvents++;
        }

        if (_concealRun < MaxConcealSamples)
        {
            _decoder.Conceal(_scratch, samples);
        }
        else
        {
            // Concealment of a long gap turns to silence rather than a buzzing repeat.
            _scratch.AsSpan(0, samples).Clear();
            _c.SilentConcealed += samples;
        }

        _concealRun += samples;
        if (_concealRun >= 7200 && _concealRun - samples < 7200)
        {
            _c.Interruptions++; // 150 ms of concealment in one run
        }

        _c.Concealed += samples;
        Append(_scratch.AsSpan(0, samples), -1);
    }

    private void EndConcealment() => _inConcealment = false;

    private long UnwrapTimestamp(uint timestamp)
    {
        if (!_tsStarted)
        {
            _tsStarted = true;
            _tsReference = timestamp;
            _firstTimestamp = timestamp;
            return timestamp;
        }

        long ext = _tsReference + (int)(timestamp - (uint)_tsReference);
        if (ext > _tsReference)
        {
            _tsReference = ext;
        }

        return ext;
    }

    private void Restart(uint ssrc, bool countResync = true)
    {
        if (_ssrc is not null)
        {
            _c.Resyncs += countResync ? 1 : 0;
            _decoder.Reset();
        }

        _ssrc = ssrc;
        foreach (JitterBufferSlot s in _slots)
        {
            s.Occupied = false;
        }

        _sequence = default;
        _playing = false;
        _highestSeq = -1;
        _syncCount = 0;
        _tsStarted = false;
        _jumpCandidate = long.MinValue;
        _jumpCount = 0;
        _inConcealment = false;
        _nonAudio = false;
        _estimator.Reset(_options.InitialDelay);
    }
}
