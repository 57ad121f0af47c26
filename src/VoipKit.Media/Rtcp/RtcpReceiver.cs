using VoipKit.Media.Rtp;

namespace VoipKit.Media.Rtcp;

/// <summary>
/// The RTCP receive side of one 1:1 stream: validates each compound (or reduced-size) packet, feeds
/// SRs to the RTP receiver (LSR/DLSR), report blocks about our stream to the sender statistics (RTT),
/// BYEs to the SSRC handling, and feedback to a handler. Bad packets are counted by reason, never
/// thrown. Not thread-safe: call it from the one receive loop.
/// </summary>
public sealed class RtcpReceiver
{
    private static readonly int ResultCount = Enum.GetValues<RtcpReadResult>().Length;

    private readonly RtpReceiver _receiver;
    private readonly RtpSenderStatistics _sender;
    private readonly RtcpFeedbackHandler? _feedback;
    private readonly bool _allowReducedSize;
    private readonly long[] _counts = new long[ResultCount];
    private readonly byte[] _remoteCname = new byte[255];
    private int _remoteCnameLength;

    /// <summary>Creates an RTCP receiver.</summary>
    /// <param name="receiver">The stream's RTP receiver.</param>
    /// <param name="sender">The stream's sender statistics.</param>
    /// <param name="allowReducedSize">Whether reduced-size RTCP (RFC 5506) was negotiated.</param>
    /// <param name="feedback">Where NACK and transport-wide feedback go, if anywhere.</param>
    public RtcpReceiver(RtpReceiver receiver, RtpSenderStatistics sender, bool allowReducedSize, RtcpFeedbackHandler? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(sender);
        _receiver = receiver;
        _sender = sender;
        _allowReducedSize = allowReducedSize;
        _feedback = feedback;
    }

    /// <summary>RTCP packets (within compounds) from an SSRC that is neither the remote's nor ours.</summary>
    public long PacketsFromUnknownSsrc { get; private set; }

    /// <summary>The remote's CNAME (UTF-8) from its last SDES, empty until one arrives.</summary>
    public ReadOnlySpan<byte> RemoteCname => _remoteCname.AsSpan(0, _remoteCnameLength);

    /// <summary>
    /// How many datagrams (for compound-level results) or packets within them (for body results) had
    /// a result; <see cref="RtcpReadResult.Ok"/> counts packets handled.
    /// </summary>
    /// <param name="result">The result.</param>
    public long GetCount(RtcpReadResult result) => _counts[(int)result];

    /// <summary>Receives one RTCP datagram (after SRTCP unprotect).</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="arrivalTimestamp">Arrival time as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/> when the compound was valid (single bad packets inside it are counted and skipped), else why it was dropped.</returns>
    public RtcpReadResult Receive(ReadOnlySpan<byte> datagram, long arrivalTimestamp)
    {
        RtcpReadResult compoundResult = RtcpCompoundPacket.TryRead(datagram, _allowReducedSize, out RtcpCompoundPacket compound);
        if (compoundResult != RtcpReadResult.Ok)
        {
            _counts[(int)compoundResult]++;
            return compoundResult;
        }

        foreach (RtcpPacket packet in compound)
        {
            _counts[(int)Handle(packet, arrivalTimestamp)]++;
        }

        return RtcpReadResult.Ok;
    }

    private RtcpReadResult Handle(RtcpPacket packet, long arrivalTimestamp)
    {
        switch (packet.PacketType)
        {
            case RtcpPacketType.SenderReport:
            {
                RtcpReadResult r = RtcpSenderReport.TryRead(packet, out RtcpSenderReport sr);
                if (r == RtcpReadResult.Ok && IsRemote(sr.Ssrc))
                {
                    _receiver.OnSenderReport(sr.Ssrc, sr.SenderInfo, arrivalTimestamp);
                    for (int i = 0; i < sr.ReportCount; i++)
                    {
                        _sender.OnReportBlock(sr.GetReportBlock(i));
                    }
                }

                return r;
            }

            case RtcpPacketType.ReceiverReport:
            {
                RtcpReadResult r = RtcpReceiverReport.TryRead(packet, out RtcpReceiverReport rr);
                if (r == RtcpReadResult.Ok && IsRemote(rr.Ssrc))
                {
                    for (int i = 0; i < rr.ReportCount; i++)
                    {
                        _sender.OnReportBlock(rr.GetReportBlock(i));
                    }
                }

                return r;
            }

            case RtcpPacketType.SourceDescription:
            {
                RtcpReadResult r = RtcpSourceDescription.TryRead(packet, out RtcpSourceDescription sdes);
                if (r == RtcpReadResult.Ok)
                {
                    foreach (RtcpSdesChunk chunk in sdes.GetChunks())
                    {
                        if (chunk.Ssrc == _receiver.RemoteSsrc && chunk.TryGetItem(RtcpSdesItemType.Cname, out ReadOnlySpan<byte> cname))
                        {
                            cname.CopyTo(_remoteCname);
                            _remoteCnameLength = cname.Length;
                        }
                    }
                }

                return r;
            }

            case RtcpPacketType.Goodbye:
            {
                RtcpReadResult r = RtcpGoodbye.TryRead(packet, out RtcpGoodbye bye);
                if (r == RtcpReadResult.Ok)
                {
                    _receiver.OnGoodbye(bye);
                }

                return r;
            }

            case RtcpPacketType.TransportFeedback when packet.Count == (int)RtcpFeedbackFormat.GenericNack:
            {
                RtcpReadResult r = RtcpGenericNack.TryRead(packet, out RtcpGenericNack nack);
                if (r == RtcpReadResult.Ok && IsRemote(nack.SenderSsrc) && nack.MediaSsrc == _sender.Ssrc)
                {
                    _feedback?.OnGenericNack(nack);
                }

                return r;
            }

            case RtcpPacketType.TransportFeedback when packet.Count == (int)RtcpFeedbackFormat.TransportWideCongestionControl:
            {
                RtcpReadResult r = RtcpTransportWideFeedback.TryRead(packet, out RtcpTransportWideFeedback twcc);
                if (r == RtcpReadResult.Ok && IsRemote(twcc.SenderSsrc))
                {
                    _feedback?.OnTransportWideFeedback(twcc);
                }

                return r;
            }

            default:
                // APP, PSFB, XR and unknown types are valid but not used by a 1:1 audio call.
                return RtcpReadResult.Ok;
        }
    }

    // Reports from anyone but the remote are counted and ignored. Before any RTP has been accepted
    // the remote is unknown, so reports are taken (RTT can start before media flows back).
    private bool IsRemote(uint ssrc)
    {
        if (_receiver.RemoteSsrc is not { } remote || remote == ssrc)
        {
            return true;
        }

        PacketsFromUnknownSsrc++;
        return false;
    }
}
