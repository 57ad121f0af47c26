using VoipKit.Media.Adaptation;
using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Session;

/// <summary>
/// Both halves of transport-wide congestion control for one session
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01): the send history that turns the
/// peer's feedback into per-packet reports for the <see cref="BitrateController"/>, and the
/// arrival record that becomes our own feedback. Not thread-safe: the session's lock guards it.
/// </summary>
internal sealed class TransportFeedback
{
    /// <summary>The RTP header extension id used for the transport-wide sequence number.</summary>
    public const byte ExtensionId = 3;

    private const int History = 1024;
    private const int MaxReportsPerFeedback = 200;
    private readonly (TimeSpan Sent, int Bytes)[] _sent = new (TimeSpan, int)[History];
    private readonly long[] _arrivals = new long[History];
    private readonly TwccPacketReport[] _reports = new TwccPacketReport[MaxReportsPerFeedback];
    private RtpSequenceUnwrapper _unwrapper;
    private ushort _next;
    private long _base = -1;     // first transport sequence not yet reported
    private long _highest = -1;  // highest transport sequence received
    private byte _feedbackCount;

    /// <summary>Takes the next transport sequence number for a packet about to be sent.</summary>
    public ushort NextSequence() => _next++;

    /// <summary>Remembers when a packet left and how big it was on the wire.</summary>
    public void OnSent(ushort sequence, TimeSpan at, int bytes) => _sent[sequence % History] = (at, bytes);

    /// <summary>Records a packet of the peer's that arrived.</summary>
    public void OnArrival(ushort sequence, TimeSpan at)
    {
        long ext = _unwrapper.Unwrap(sequence);
        if (_base < 0)
        {
            _base = ext;
            Array.Fill(_arrivals, -1);
        }

        if (ext < _base || ext >= _base + History)
        {
            return; // already reported, or too far ahead to track
        }

        _arrivals[ext % History] = (long)at.TotalMicroseconds;
        _highest = Math.Max(_highest, ext);
    }

    /// <summary>Writes a feedback packet for what arrived since the last one.</summary>
    /// <returns>False when there is nothing to report.</returns>
    public bool TryWriteFeedback(Span<byte> destination, uint senderSsrc, uint mediaSsrc, out int length)
    {
        length = 0;
        // Report from the first unreported packet that arrived, up to the highest one.
        while (_base >= 0 && _base <= _highest && _arrivals[_base % History] < 0)
        {
            _base++;
        }

        int count = _base < 0 ? 0 : (int)Math.Min(_highest - _base + 1, MaxReportsPerFeedback);
        if (count <= 0)
        {
            return false;
        }

        Span<long> arrivals = stackalloc long[count];
        for (int i = 0; i < count; i++)
        {
            arrivals[i] = _arrivals[(_base + i) % History];
            _arrivals[(_base + i) % History] = -1;
        }

        bool ok = RtcpTransportWideFeedback.TryComputeReports((ushort)_base, arrivals, _reports, out int reference) &&
            RtcpTransportWideFeedback.TryWrite(destination, senderSsrc, mediaSsrc, reference, _feedbackCount++, _reports.AsSpan(0, count), out length);
        _base += count;
        return ok;
    }

    /// <summary>Hands the peer's feedback about our packets to the controller, in send order.</summary>
    public void OnFeedback(in RtcpTransportWideFeedback feedback, BitrateController controller)
    {
        TimeSpan arrival = RtcpTransportWideFeedback.ReferenceTimeUnit * feedback.ReferenceTime;
        foreach (TwccPacketReport report in feedback)
        {
            (TimeSpan sent, int bytes) = _sent[report.SequenceNumber % History];
            if (report.Received)
            {
                arrival += report.DeltaTime;
                controller.OnPacketFeedback(sent, arrival, bytes);
            }
            else
            {
                controller.OnPacketFeedback(sent, null, bytes);
            }
        }
    }
}
