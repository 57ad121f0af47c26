using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Adaptation;
using VoipKit.Media.Codecs;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

// The send path: pacing by the session's clock or by a real-time source, encoding, RTP and SRTP. The type is documented in MediaSession.cs.
public sealed partial class MediaSession
{
    private void OnSendTick()
    {
        lock (_gate)
        {
            if (_disposed || _sendTimer is null)
            {
                return;
            }

            // Timers fire late under load: send every frame that is due (a few at most), so the
            // stream keeps its rate instead of losing whole frames.
            TimeSpan now = Now();
            for (int i = 0; i < MaxCatchUpFrames && now >= _nextSendAt; i++)
            {
                if (!SendDueFrame())
                {
                    break;
                }

                _nextSendAt += TimeSpan.FromMilliseconds(_encoder.FrameMilliseconds);
            }

            TimeSpan frame = TimeSpan.FromMilliseconds(_encoder.FrameMilliseconds);
            if (now - _nextSendAt > frame * MaxCatchUpFrames)
            {
                // Too far behind: skip ahead rather than burst. The frames not sent are gone,
                // so the media clock moves on by as much: timestamps keep matching sampling
                // instants (RFC 3550 5.1) and the receiver sees one gap, as after DTX. Without
                // this every later packet would look that much later than the ones before the
                // stall, and the receiver's jitter buffer would grow by the stall for seconds.
                _underruns++;
                long skipped = (now - _nextSendAt).Ticks / frame.Ticks;
                _timestamp += (uint)(skipped * _encoder.FrameSamples);
                _nextSendAt += frame * skipped;
            }
        }
    }

    // Reads and sends one frame; false when the source has nothing for now.
    private bool SendDueFrame()
    {
        Adapt();
        int want = _encoder.FrameSamples;
        int got;
        if (_pendingRead is { } pending)
        {
            if (!pending.IsCompleted)
            {
                _underruns++;
                return false;
            }

            _pendingRead = null;
            got = pending.IsCompletedSuccessfully ? pending.Result : 0;
        }
        else
        {
            ValueTask<int> read = _source.ReadAsync(_pcm.AsMemory(0, want));
            if (!read.IsCompleted)
            {
                // A source that is not real-time should answer at once; wait for it without blocking the clock.
                _pendingRead = read.AsTask();
                _underruns++;
                return false;
            }

            got = read.IsCompletedSuccessfully ? read.Result : 0;
        }

        if (got == 0)
        {
            return false; // the source ended: keep the session (and RTCP) alive, send nothing
        }

        _pcm.AsSpan(got, want - got).Clear();
        SendFrame(want);
        return true;
    }

    private async Task PumpAsync(IAudioSource source, CancellationToken cancellationToken)
    {
        // A real-time source paces itself: send each frame as it comes. The pump belongs to one
        // source; ReplaceSourceAsync cancels it and starts another pump or the send timer.
        short[] frame = new short[OpusPacket.MaxSamples];
        while (!cancellationToken.IsCancellationRequested)
        {
            int want;
            lock (_gate)
            {
                Adapt();
                want = _encoder.FrameSamples;
            }

            int got = await source.ReadAsync(frame.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return;
            }

            lock (_gate)
            {
                if (_disposed || !ReferenceEquals(source, _source))
                {
                    return; // replaced meanwhile: this frame belongs to the old source
                }

                frame.AsSpan(0, got).CopyTo(_pcm);
                _pcm.AsSpan(got, want - got).Clear();
                SendFrame(want);
            }
        }
    }

    private void Adapt()
    {
        BitrateDecision d = _controller.Current;
        _encoder.Bitrate = d.Bitrate;
        _encoder.UseInbandFec = d.UseInbandFec;
        _encoder.PacketLossPercent = d.PacketLossPercent;
        if (d.FrameMilliseconds != _encoder.FrameMilliseconds)
        {
            _encoder.FrameMilliseconds = d.FrameMilliseconds;
            TimeSpan period = TimeSpan.FromMilliseconds(d.FrameMilliseconds);
            _sendTimer?.Change(period, period);
        }
    }

    private void SendFrame(int samples)
    {
        if (_dtmfPhase is DtmfPhase.Tone or DtmfPhase.Ending)
        {
            return; // a telephone-event is on the stream: its ticks carry the media clock on
        }

        if (!_sending)
        {
            // On hold: the source was read at its pace, nothing goes out, and the media clock
            // moves on so the receiver sees one gap when sending resumes (as after DTX).
            _timestamp += (uint)samples;
            _markNext = true;
            return;
        }

        if (_muted)
        {
            _pcm.AsSpan(0, samples).Clear(); // still encoded and sent: Opus makes little of silence
        }

        int opusLength = _encoder.Encode(_pcm.AsSpan(0, samples), _opus);
        // RFC 3551 4.1: the marker bit flags the first packet after a silence (here: a hold) in which nothing was sent.
        var header = new RtpHeader(_options.PayloadType, _sequence++, _timestamp, LocalSsrc, _markNext);
        _markNext = false;
        _timestamp += (uint)samples;
        SendRtp(header, _opus.AsSpan(0, opusLength));
    }

    // Packs, protects and sends one RTP packet of ours (audio or telephone-event), with the transport-wide sequence number.
    private void SendRtp(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        ushort transportSequence = _transportFeedback.NextSequence();
        int rtpLength = 0;
        bool written = RtpPacketWriter.TryCreate(_send, header, [], out RtpPacketWriter writer) &&
            TransportSequenceNumberExtension.TryAdd(ref writer, TransportFeedback.ExtensionId, transportSequence) &&
            writer.TryWritePayload(payload) &&
            writer.TryComplete(0, out rtpLength);
        if (!written || _sendSrtp.Protect(_send, rtpLength, out int srtpLength) != SrtpResult.Ok)
        {
            LogPacketFailed(_logger, payload.Length);
            return;
        }

        _transportFeedback.OnSent(transportSequence, Now(), srtpLength + 28);
        _senderStats.OnPacketSent(payload.Length);
        _packetsSent++;
        _payloadBytesSent += payload.Length;
        _headerBytesSent += rtpLength - payload.Length;
        _transport.Send(_send.AsSpan(0, srtpLength));
    }
}
