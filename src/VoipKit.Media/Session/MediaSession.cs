using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Adaptation;
using VoipKit.Media.Codecs;
using VoipKit.Media.Jitter;
using VoipKit.Media.Quality;
using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Session;

/// <summary>
/// One call's audio, both directions: <see cref="IAudioSource"/> → Opus → RTP → SRTP →
/// <see cref="IMediaTransport"/>, and received packets → SRTP → jitter buffer → Opus →
/// <see cref="IAudioSink"/>, with RTCP sender/receiver reports (rtcp-mux) beside it and the
/// bitrate, FEC and frame size adapted from the remote side's reports. Usable without SIP:
/// two sessions can be connected over a simulated network or UDP sockets.
/// </summary>
/// <remarks>
/// Sending is paced by the session's clock for sources that are not real-time (files,
/// generators) and by the device for real-time sources. Playout runs every 20 ms on the
/// clock. Everything runs under one lock, so <see cref="OnPacketReceived"/> may be called from
/// any thread. Statistics are also published as <c>System.Diagnostics.Metrics</c> instruments
/// on the meter named <see cref="MeterName"/>.
/// </remarks>
public sealed partial class MediaSession : IAsyncDisposable
{
    /// <summary>The name of the meter the session's instruments belong to.</summary>
    public const string MeterName = "VoipKit.Media";

    private const int Frame = AudioFormat.SamplesPerFrame;
    private readonly MediaSessionOptions _options;
    private IAudioSource _source;
    private IAudioSink _sink;
    private readonly IMediaTransport _transport;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly Lock _gate = new();
    private readonly SrtpContext _sendSrtp;
    private readonly SrtpContext _receiveSrtp;
    private readonly OpusAudioEncoder _encoder;
    private readonly JitterBuffer _jitter;
    private readonly BitrateController _controller;
    private readonly RtpReceiver _rtpReceiver;
    private readonly RtpSenderStatistics _senderStats;
    private readonly RtcpReceiver _rtcpReceiver;
    private readonly byte[] _cname;
    private readonly Meter _meter;
    private readonly short[] _pcm = new short[OpusPacket.MaxSamples];
    private readonly byte[] _opus = new byte[OpusAudioEncoder.MaxPacketBytes];
    private readonly byte[] _send = new byte[1500];
    private readonly byte[] _receive = new byte[1500];
    private readonly short[][] _playout = [new short[Frame], new short[Frame]];
    private int _playoutIndex;
    private Task? _pendingWrite;
    private Task<int>? _pendingRead;
    private ITimer? _sendTimer;
    private ITimer? _playoutTimer;
    private ITimer? _rtcpTimer;
    private CancellationTokenSource? _pumpStop;
    private Task? _pump;
    private ushort _sequence;
    private uint _timestamp;
    private long _packetsSent;
    private long _payloadBytesSent;
    private long _headerBytesSent;
    private long _payloadBytesReceived;
    private long _headerBytesReceived;
    private long _rejected;
    private long _underruns;
    private RtcpReportBlock? _lastFedReport;

    private readonly TransportFeedback _transportFeedback = new();
    private ITimer? _twccTimer;
    private TimeSpan _nextSendAt;
    private TimeSpan _nextPlayoutAt;
    private const int MaxCatchUpFrames = 5;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a session; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Keys, identifiers, settings and clock.</param>
    /// <param name="source">Outgoing audio.</param>
    /// <param name="sink">Incoming audio.</param>
    /// <param name="transport">Where packets go.</param>
    /// <param name="logger">Logging; none when null.</param>
    public MediaSession(MediaSessionOptions options, IAudioSource source, IAudioSink sink, IMediaTransport transport, ILogger<MediaSession>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(transport);
        ValidateDtmfOptions(options);
        _options = options;
        _source = source;
        _sink = sink;
        _transport = transport;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _epoch = _time.GetTimestamp();
        _sendSrtp = new SrtpContext(options.Profile, options.SendMasterKey.Span, options.SendMasterSalt.Span);
        _receiveSrtp = new SrtpContext(options.Profile, options.ReceiveMasterKey.Span, options.ReceiveMasterSalt.Span);
        LocalSsrc = options.LocalSsrc ?? RtpSsrc.NewRandom();
        _encoder = new OpusAudioEncoder(options.Encoder);
        _jitter = new JitterBuffer(options.JitterBuffer);
        _controller = new BitrateController(options.Bitrate);
        _rtpReceiver = new RtpReceiver(new RtpReceiverOptions { LocalSsrc = LocalSsrc, RemoteSsrc = options.RemoteSsrc, MinSequential = 1 }, _time);
        _senderStats = new RtpSenderStatistics(LocalSsrc, _time);
        _rtcpReceiver = new RtcpReceiver(_rtpReceiver, _senderStats, allowReducedSize: true, new FeedbackSink(this));
        _cname = System.Text.Encoding.UTF8.GetBytes(options.Cname ?? $"voipkit-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        // RFC 3550 5.1: random initial sequence number and timestamp.
        _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        _timestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("voipkit.media.packets_sent", () => Interlocked.Read(ref _packetsSent), "{packet}", "RTP packets sent");
        _meter.CreateObservableCounter("voipkit.media.concealed_samples", () => _jitter.Statistics.ConcealedSamples, "{sample}", "Samples made up by loss concealment");
        _meter.CreateObservableGauge("voipkit.media.jitter_buffer_target_delay", () => _jitter.TargetDelay.TotalSeconds, "s", "Jitter buffer target delay");
        _meter.CreateObservableGauge("voipkit.media.target_bitrate", () => _controller.Current.Bitrate, "bit/s", "Encoder target bitrate");
        _meter.CreateObservableGauge("voipkit.media.mos_estimate", () => GetStatistics().MosEstimate, "{mos}", "E-model MOS estimate of received audio");
    }

    /// <summary>Our SSRC.</summary>
    public uint LocalSsrc { get; }

    /// <summary>Which Opus implementation encodes.</summary>
    public OpusImplementation CodecImplementation => _encoder.Implementation;

    /// <summary>Starts the source, the sink and the session's clocks.</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes when media flows.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
            await _source.StartAsync(cancellationToken).ConfigureAwait(false);
            await _sink.StartAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _nextPlayoutAt = Now() + AudioFormat.FrameDuration;
                _playoutTimer = _time.CreateTimer(static s => ((MediaSession)s!).OnPlayoutTick(), this, AudioFormat.FrameDuration, AudioFormat.FrameDuration);
                _rtcpTimer = _time.CreateTimer(static s => ((MediaSession)s!).OnRtcpTick(), this, _options.RtcpInterval, _options.RtcpInterval);
                TimeSpan feedbackInterval = TimeSpan.FromMilliseconds(100);
                _twccTimer = _time.CreateTimer(static s => ((MediaSession)s!).OnTwccTick(), this, feedbackInterval, feedbackInterval);
                StartDtmfTimer();
            }

            StartPacing(_source);
            LogStarted(_logger, LocalSsrc, _options.Profile, _encoder.Implementation);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Hands the session a packet that arrived (SRTP or SRTCP, multiplexed per RFC 5761).</summary>
    /// <param name="packet">The packet; copied before the call returns. Bad packets are counted, never thrown.</param>
    public void OnPacketReceived(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || packet.Length > _receive.Length)
        {
            Interlocked.Increment(ref _rejected);
            return;
        }

        bool raise = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            packet.CopyTo(_receive);
            TimeSpan now = Now();
            // RFC 5761: RTCP packet types 192–223 sit where RTP payload types 64–95 would.
            bool rtcp = packet[1] is >= 192 and <= 223;
            if (rtcp)
            {
                if (_receiveSrtp.UnprotectRtcp(_receive, packet.Length, out int length) != SrtpResult.Ok ||
                    _rtcpReceiver.Receive(_receive.AsSpan(0, length), _time.GetTimestamp()) != RtcpReadResult.Ok)
                {
                    _rejected++;
                    return;
                }

                if (_senderStats.LastRemoteReport is { } report && report != _lastFedReport)
                {
                    _lastFedReport = report;
                    _controller.OnReceiverReport(now, report.FractionLost / 256.0);
                }

                return;
            }

            if (_receiveSrtp.Unprotect(_receive, packet.Length, out int rtpLength) != SrtpResult.Ok)
            {
                _rejected++;
                return;
            }

            RtpReceiveResult r = _rtpReceiver.Receive(_receive.AsSpan(0, rtpLength), _time.GetTimestamp(), out RtpPacket rtp);
            bool accepted = r is RtpReceiveResult.Accepted or RtpReceiveResult.NewSource;
            bool telephoneEvent = accepted && rtp.PayloadType == _options.TelephoneEventPayloadType;
            if (!accepted || (rtp.PayloadType != _options.PayloadType && !telephoneEvent))
            {
                _rejected++;
                return;
            }

            if (TransportSequenceNumberExtension.TryRead(rtp, TransportFeedback.ExtensionId, out ushort transportSequence))
            {
                _transportFeedback.OnArrival(transportSequence, now);
            }

            _payloadBytesReceived += rtp.Payload.Length;
            _headerBytesReceived += rtpLength - rtp.Payload.Length;
            if (telephoneEvent)
            {
                // An RFC 4733 event takes a sequence number of the audio stream: the jitter buffer
                // learns it carried no audio (not lost, not to conceal: the sender's time on events
                // plays as silence). A digit is raised below, outside the lock.
                if (_receiving)
                {
                    int duration = TelephoneEvent.TryRead(rtp.Payload, out TelephoneEvent e) ? e.Duration : 0;
                    _jitter.InsertNonAudio(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, duration, now);
                }

                raise = OnTelephoneEvent(rtp, now);
            }
            else if (_receiving)
            {
                _jitter.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Payload, now);
            }
        }

        if (raise)
        {
            RaiseDtmfReceived();
        }
    }

    /// <summary>A snapshot of the session's statistics.</summary>
    /// <returns>The statistics.</returns>
    public MediaSessionStatistics GetStatistics()
    {
        lock (_gate)
        {
            JitterBufferStatistics jb = _jitter.Statistics;
            RtpReceiveStatistics? inbound = _rtpReceiver.RemoteSsrc is null ? null : _rtpReceiver.GetStatistics();
            double remoteLoss = _senderStats.LastRemoteReport is { } rr ? rr.FractionLost / 256.0 : 0;
            TimeSpan? rtt = _senderStats.RoundTripTime;
            // Mouth-to-ear: half the RTT (or a LAN guess), the jitter buffer, one frame and the codec's look-ahead.
            double oneWayMs = ((rtt ?? TimeSpan.FromMilliseconds(40)).TotalMilliseconds / 2) + jb.MeanDelay.TotalMilliseconds + 20 + 6.5;
            double r = EModel.RFactor(TimeSpan.FromMilliseconds(oneWayMs), Math.Clamp(jb.ConcealmentRatio, 0, 1), 1,
                EModel.OpusEquipmentImpairment(_controller.Current.Bitrate), EModel.OpusPacketLossRobustness);
            BitrateDecision target = _controller.Current;
            InboundRtpStatistics? inboundRtp = inbound is not { } i ? null : InboundRtpStatistics.From(i, jb, _payloadBytesReceived, _headerBytesReceived);
            RemoteInboundRtpStatistics? remoteInbound = RemoteInboundRtpStatistics.From(LocalSsrc, _senderStats);
            return new MediaSessionStatistics
            {
                InboundRtp = inboundRtp,
                OutboundRtp = new OutboundRtpStatistics
                {
                    Ssrc = LocalSsrc,
                    PacketsSent = _packetsSent,
                    BytesSent = _payloadBytesSent,
                    HeaderBytesSent = _headerBytesSent,
                    TargetBitrate = target.Bitrate,
                    FrameMilliseconds = target.FrameMilliseconds,
                    InbandFec = target.UseInbandFec,
                },
                RemoteInboundRtp = remoteInbound,
                Inbound = inbound,
                Playout = jb,
                PacketsSent = _packetsSent,
                PayloadBytesSent = _payloadBytesSent,
                Target = target,
                RemoteFractionLost = remoteLoss,
                RoundTripTime = rtt,
                PacketsRejected = _rejected,
                AudioUnderruns = _underruns,
                MosEstimate = EModel.Mos(r),
                DtmfEventsSent = _dtmfEventsSent,
                DtmfEventsReceived = _dtmfEventsReceived,
                DtmfHandlerFailures = Interlocked.Read(ref _dtmfHandlerFailures),
            };
        }
    }

    /// <summary>Stops sending and playing; the source and sink are stopped (not disposed).</summary>
    /// <param name="cancellationToken">Cancels stopping the source and sink.</param>
    /// <returns>A task that completes when the session is quiet.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Stops the session and wipes its keys.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            await StopCoreAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _disposed = true;
                _sendSrtp.Dispose();
                _receiveSrtp.Dispose();
                _encoder.Dispose();
                _jitter.Dispose();
                _meter.Dispose();
            }
        }
        finally
        {
            _control.Release();
        }
    }

    private TimeSpan Now() => _time.GetElapsedTime(_epoch);

    // Most sinks accept a frame synchronously; only a write still running is kept to wait on.
    private static Task? PendingOrNull(ValueTask write) => write.IsCompletedSuccessfully ? null : write.AsTask();

    private sealed class FeedbackSink(MediaSession session) : RtcpFeedbackHandler
    {
        // Called under the session's lock, from OnPacketReceived.
        public override void OnTransportWideFeedback(in RtcpTransportWideFeedback feedback) => session._transportFeedback.OnFeedback(feedback, session._controller);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media session started: SSRC {Ssrc}, {Profile}, Opus on {Implementation}")]
    private static partial void LogStarted(ILogger logger, uint ssrc, SrtpProtectionProfile profile, OpusImplementation implementation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not build an SRTP packet for a {Length}-byte payload")]
    private static partial void LogPacketFailed(ILogger logger, int length);
}
