using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Session;

// The clocked paths besides sending: playout, transport-wide feedback and RTCP reports. The type is documented in MediaSession.cs.
public sealed partial class MediaSession
{
    private void OnPlayoutTick()
    {
        bool raise;
        lock (_gate)
        {
            if (_disposed || _playoutTimer is null)
            {
                return;
            }

            TimeSpan now = Now();
            raise = ExpireTelephoneEvent(now);
            for (int i = 0; i < MaxCatchUpFrames && now >= _nextPlayoutAt; i++)
            {
                _nextPlayoutAt += AudioFormat.FrameDuration;
                PlayOneFrame(now, lastDue: now < _nextPlayoutAt || i == MaxCatchUpFrames - 1);
            }

            if (now - _nextPlayoutAt > AudioFormat.FrameDuration * MaxCatchUpFrames)
            {
                _underruns++;
                _nextPlayoutAt = now;
            }
        }

        if (raise)
        {
            RaiseDtmfReceived(); // outside the lock: the handler is the application's
        }
    }

    // lastDue: whether this is the last frame the tick owes. A tick that fires late owes several;
    // before the stream has started playing they are silence, and only the last may start it:
    // the earlier ones are from before the packets now buffered arrived, and playing them from
    // those packets would empty the buffer at once (a late first tick, as while a process starts
    // up, used to conceal the frames after it).
    private void PlayOneFrame(TimeSpan now, bool lastDue)
    {
        bool pull = _receiving && (lastDue || _jitter.IsPlaying);
        if (_pendingWrite is { IsCompleted: false })
        {
            _underruns++; // the sink is behind: drop this frame rather than queue without bound
            if (pull)
            {
                _jitter.Pull(_playout[_playoutIndex], now);
            }

            return;
        }

        short[] frame = _playout[_playoutIndex];
        _playoutIndex ^= 1;
        if (pull)
        {
            _jitter.Pull(frame, now);
        }
        else
        {
            // Not receiving (or a frame owed from before the stream started): the sink gets
            // silence at its pace, and the jitter buffer is not asked, so none of it counts as
            // concealment.
            frame.AsSpan().Clear();
        }

        _pendingWrite = PendingOrNull(_sink.WriteAsync(frame));
    }

    private void OnTwccTick()
    {
        lock (_gate)
        {
            if (!_disposed && _twccTimer is not null && _rtpReceiver.RemoteSsrc is uint remote &&
                _transportFeedback.TryWriteFeedback(_send, LocalSsrc, remote, out int length) &&
                _sendSrtp.ProtectRtcp(_send, length, out int protectedLength) == SrtpResult.Ok)
            {
                _transport.Send(_send.AsSpan(0, protectedLength));
            }
        }
    }

    private void OnRtcpTick()
    {
        lock (_gate)
        {
            if (_disposed || _rtcpTimer is null)
            {
                return;
            }

            Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[1];
            int count = _rtpReceiver.TryCreateReportBlock(_time.GetTimestamp(), out blocks[0]) ? 1 : 0;
            int length;
            if (_packetsSent > 0)
            {
                RtcpSenderReport.TryWrite(_send, LocalSsrc, _senderStats.CreateSenderInfo(_timestamp), blocks[..count], out length);
            }
            else
            {
                RtcpReceiverReport.TryWrite(_send, LocalSsrc, blocks[..count], out length);
            }

            RtcpSourceDescription.TryWriteCname(_send.AsSpan(length), LocalSsrc, _cname, out int sdes);
            length += sdes;
            if (_sendSrtp.ProtectRtcp(_send, length, out int protectedLength) == SrtpResult.Ok)
            {
                _transport.Send(_send.AsSpan(0, protectedLength));
            }
        }
    }
}
