using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;

namespace VoipKit.Fuzz;

/// <summary>
/// The fuzz targets by name. Each runs a parser over one input and touches everything it exposes;
/// any exception is a finding. Add a target by adding an entry (and a seed test in the area's tests).
/// </summary>
public static class FuzzTargets
{
    /// <summary>Every target, by the name given on the command line.</summary>
    public static IReadOnlyDictionary<string, Action<ReadOnlySpan<byte>>> All { get; } = new Dictionary<string, Action<ReadOnlySpan<byte>>>
    {
        ["rtp"] = Rtp,
        ["rtcp"] = Rtcp,
        ["sip"] = SipMessageTarget.Run,
        ["sdp"] = SdpTarget.Run,
        ["digest"] = SipDigestTarget.Run,
        ["wav"] = Wav,
        ["stun"] = StunTarget.Run,
        ["turn"] = TurnTarget.Run,
        ["telephone-event"] = TelephoneEventTarget.Run,
    };

    private static void Wav(ReadOnlySpan<byte> input)
    {
        // A bad file is a typed WavFormatException; anything else (or a hang) is a finding.
        try
        {
            var source = new VoipKit.Audio.WavFileSource(new MemoryStream(input.ToArray()));
            source.StartAsync().AsTask().GetAwaiter().GetResult();
            short[] frame = new short[VoipKit.Audio.AudioFormat.SamplesPerFrame];
            while (source.ReadAsync(frame).AsTask().GetAwaiter().GetResult() > 0)
            {
            }
        }
        catch (VoipKit.Audio.WavFormatException)
        {
        }
    }

    private static void Rtp(ReadOnlySpan<byte> input)
    {
        if (RtpPacket.TryRead(input, out RtpPacket packet) == RtpReadResult.Ok)
        {
            _ = packet.Header;
            for (int i = 0; i < packet.CsrcCount; i++)
            {
                _ = packet.GetCsrc(i);
            }

            _ = packet.ExtensionProfile;
            foreach (RtpHeaderExtension e in packet.GetExtensions())
            {
                _ = e.Value.Length;
            }

            _ = TransportSequenceNumberExtension.TryRead(packet, 1, out _);
            Check(packet.HeaderLength + packet.Payload.Length + packet.PaddingLength == input.Length);
        }

        // The receive path too: a bad packet must not stop the next good one.
        var receiver = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = 1, MinSequential = 1 }, TimeProvider.System);
        receiver.Receive(input, 0, out _);
        receiver.Receive(input, 0, out _);
        _ = receiver.GetStatistics();
        receiver.TryCreateReportBlock(0, out _);
    }

    private static void Rtcp(ReadOnlySpan<byte> input)
    {
        foreach (bool reducedSize in (ReadOnlySpan<bool>)[false, true])
        {
            if (RtcpCompoundPacket.TryRead(input, reducedSize, out RtcpCompoundPacket compound) != RtcpReadResult.Ok)
            {
                continue;
            }

            foreach (RtcpPacket packet in compound)
            {
                ReadPacket(packet);
            }
        }

        // The receive path: reports, BYE and feedback handed on to the RTP side.
        var rtp = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = 1, MinSequential = 1 }, TimeProvider.System);
        var rtcp = new RtcpReceiver(rtp, new RtpSenderStatistics(1, TimeProvider.System), allowReducedSize: true);
        rtcp.Receive(input, 0);
        _ = rtcp.RemoteCname.Length;
    }

    private static void ReadPacket(RtcpPacket packet)
    {
        _ = packet.SenderSsrc;
        if (RtcpSenderReport.TryRead(packet, out RtcpSenderReport sr) == RtcpReadResult.Ok)
        {
            _ = sr.SenderInfo;
            _ = sr.ProfileExtension.Length;
            for (int i = 0; i < sr.ReportCount; i++)
            {
                _ = sr.GetReportBlock(i);
            }
        }

        if (RtcpReceiverReport.TryRead(packet, out RtcpReceiverReport rr) == RtcpReadResult.Ok)
        {
            _ = rr.ProfileExtension.Length;
            for (int i = 0; i < rr.ReportCount; i++)
            {
                _ = rr.GetReportBlock(i);
            }
        }

        if (RtcpSourceDescription.TryRead(packet, out RtcpSourceDescription sdes) == RtcpReadResult.Ok)
        {
            int chunks = 0;
            foreach (RtcpSdesChunk chunk in sdes.GetChunks())
            {
                chunks++;
                foreach (RtcpSdesItem item in chunk)
                {
                    _ = item.Value.Length;
                }
            }

            Check(chunks == sdes.ChunkCount);
        }

        if (RtcpGoodbye.TryRead(packet, out RtcpGoodbye bye) == RtcpReadResult.Ok)
        {
            for (int i = 0; i < bye.SourceCount; i++)
            {
                _ = bye.GetSource(i);
            }
        }

        if (RtcpGenericNack.TryRead(packet, out RtcpGenericNack nack) == RtcpReadResult.Ok)
        {
            Span<ushort> lost = stackalloc ushort[64];
            _ = nack.CopyLostSequenceNumbers(lost);
        }

        if (RtcpTransportWideFeedback.TryRead(packet, out RtcpTransportWideFeedback twcc) == RtcpReadResult.Ok)
        {
            int count = 0;
            foreach (TwccPacketReport report in twcc)
            {
                count++;
                _ = report.DeltaTime;
            }

            Check(count == twcc.PacketStatusCount);
        }
    }

    // A broken invariant is a finding: make it a crash the fuzzer records.
    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Parser invariant broken.");
        }
    }
}
