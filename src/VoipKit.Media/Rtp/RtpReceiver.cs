using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Rtp;

/// <summary>
/// The receive side of one 1:1 RTP stream: validates each packet, filters by SSRC (collision with our
/// own, a change of the remote's), keeps RFC 3550 appendix A statistics, and counts every outcome.
/// Never throws for a bad packet and keeps no reference to it, so a good packet after a bad one goes
/// through. Not thread-safe: call it from the one receive loop.
/// </summary>
public sealed class RtpReceiver
{
    private static readonly int OutcomeCount = Enum.GetValues<RtpReceiveResult>().Length;

    private readonly RtpReceiverOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly long[] _counts = new long[OutcomeCount];
    private RtpSourceState? _remote;
    private RtpSourceState? _candidate;
    private bool _remoteLeft;
    private long _firstArrival = -1;
    private uint _lastSenderReport;
    private long _lastSenderReportArrival;

    /// <summary>Creates a receiver.</summary>
    /// <param name="options">Stream settings.</param>
    /// <param name="timeProvider">The clock for arrival times and report delays.</param>
    public RtpReceiver(RtpReceiverOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ClockRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinSequential, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SourceChangePackets, 1);
        _options = options;
        _timeProvider = timeProvider;
        LocalSsrc = options.LocalSsrc;
    }

    /// <summary>Our SSRC, as last set.</summary>
    public uint LocalSsrc { get; private set; }

    /// <summary>The remote SSRC once known (signaled sources count from their first accepted packet).</summary>
    public uint? RemoteSsrc => _remote is { IsValid: true } ? _remote.Ssrc : null;

    /// <summary>Whether a packet with our own SSRC arrived since the last <see cref="ChangeLocalSsrc"/>.</summary>
    public bool LocalSsrcCollided { get; private set; }

    /// <summary>Packets dropped for any reason.</summary>
    public long PacketsDropped
    {
        get
        {
            long total = 0;
            for (int i = (int)RtpReceiveResult.TooShort; i < _counts.Length; i++)
            {
                total += _counts[i];
            }

            return total;
        }
    }

    /// <summary>How many packets had an outcome.</summary>
    /// <param name="result">The outcome.</param>
    public long GetCount(RtpReceiveResult result) => _counts[(int)result];

    /// <summary>Receives a packet, with the arrival time taken from the time provider now.</summary>
    /// <param name="datagram">The RTP packet (after SRTP unprotect).</param>
    /// <param name="packet">The packet view when accepted; default when dropped.</param>
    /// <returns>The outcome.</returns>
    public RtpReceiveResult Receive(ReadOnlySpan<byte> datagram, out RtpPacket packet) =>
        Receive(datagram, _timeProvider.GetTimestamp(), out packet);

    /// <summary>Receives a packet that arrived at a given time.</summary>
    /// <param name="datagram">The RTP packet (after SRTP unprotect).</param>
    /// <param name="arrivalTimestamp">Arrival time as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
    /// <param name="packet">The packet view when accepted; default when dropped.</param>
    /// <returns>The outcome.</returns>
    public RtpReceiveResult Receive(ReadOnlySpan<byte> datagram, long arrivalTimestamp, out RtpPacket packet)
    {
        RtpReceiveResult result = ReceiveCore(datagram, arrivalTimestamp, out packet);
        _counts[(int)result]++;
        if (result is not (RtpReceiveResult.Accepted or RtpReceiveResult.NewSource))
        {
            packet = default;
        }

        return result;
    }

    /// <summary>Sets a new local SSRC, after a collision (send a BYE for the old one).</summary>
    /// <param name="ssrc">The new SSRC, chosen at random.</param>
    public void ChangeLocalSsrc(uint ssrc)
    {
        LocalSsrc = ssrc;
        LocalSsrcCollided = false;
    }

    /// <summary>Notes an RTCP BYE: if it names the remote source, the next source to pass probation replaces it.</summary>
    /// <param name="goodbye">The BYE packet.</param>
    public void OnGoodbye(in RtcpGoodbye goodbye)
    {
        if (_remote is not null && goodbye.Contains(_remote.Ssrc))
        {
            _remoteLeft = true;
        }
    }

    /// <summary>Notes an SR from the remote source, for LSR and DLSR in our next report block.</summary>
    /// <param name="ssrc">The SR's sender.</param>
    /// <param name="senderInfo">Its sender info.</param>
    /// <param name="arrivalTimestamp">Its arrival as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
    public void OnSenderReport(uint ssrc, in RtcpSenderInfo senderInfo, long arrivalTimestamp)
    {
        if (_remote is { IsValid: true } && ssrc == _remote.Ssrc)
        {
            _lastSenderReport = senderInfo.NtpTimestamp.ShortFormat;
            _lastSenderReportArrival = arrivalTimestamp;
        }
    }

    /// <summary>A snapshot of the statistics (does not start a new report interval).</summary>
    public RtpReceiveStatistics GetStatistics()
    {
        if (_remote is not { IsValid: true } remote)
        {
            return new RtpReceiveStatistics(0, 0, 0, 0, 0, 0, TimeSpan.Zero, PacketsDropped);
        }

        return new RtpReceiveStatistics(
            remote.Ssrc,
            remote.ExtendedHighestSequence,
            remote.Expected,
            remote.Received,
            remote.CumulativeLost,
            remote.Jitter,
            TimeSpan.FromSeconds((double)remote.Jitter / _options.ClockRate),
            PacketsDropped);
    }

    /// <summary>
    /// Builds the reception report block for the remote source and starts a new report interval
    /// (the fraction lost is since the previous call). False when no source has been accepted yet.
    /// </summary>
    /// <param name="now">The send time as a <see cref="TimeProvider.GetTimestamp"/> value, for DLSR.</param>
    /// <param name="block">The report block.</param>
    public bool TryCreateReportBlock(long now, out RtcpReportBlock block)
    {
        if (_remote is not { IsValid: true } remote)
        {
            block = default;
            return false;
        }

        uint dlsr = 0;
        if (_lastSenderReport != 0)
        {
            dlsr = NtpTimestamp.TimeSpanToShortFormat(_timeProvider.GetElapsedTime(_lastSenderReportArrival, now));
        }

        block = new RtcpReportBlock(
            remote.Ssrc,
            remote.TakeFractionLost(),
            (int)Math.Clamp(remote.CumulativeLost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            remote.ExtendedHighestSequence,
            remote.Jitter,
            _lastSenderReport,
            dlsr);
        return true;
    }

    private RtpReceiveResult ReceiveCore(ReadOnlySpan<byte> datagram, long arrivalTimestamp, out RtpPacket packet)
    {
        RtpReadResult read = RtpPacket.TryRead(datagram, out packet);
        if (read != RtpReadResult.Ok)
        {
            return read switch
            {
                RtpReadResult.TooShort => RtpReceiveResult.TooShort,
                RtpReadResult.BadVersion => RtpReceiveResult.BadVersion,
                RtpReadResult.CsrcOverrun => RtpReceiveResult.CsrcOverrun,
                RtpReadResult.ExtensionOverrun => RtpReceiveResult.ExtensionOverrun,
                RtpReadResult.MalformedExtension => RtpReceiveResult.MalformedExtension,
                _ => RtpReceiveResult.BadPadding,
            };
        }

        uint ssrc = packet.Ssrc;
        if (ssrc == LocalSsrc)
        {
            LocalSsrcCollided = true;
            return RtpReceiveResult.SsrcCollision;
        }

        if (_remote is null)
        {
            if (_options.RemoteSsrc is { } signaled && ssrc != signaled)
            {
                // Not the signaled source: only a sustained run lets it in (the remote may have had to change).
                return TryReplaceRemote(ssrc, packet, arrivalTimestamp);
            }

            _remote = new RtpSourceState(ssrc, packet.SequenceNumber, _options.MinSequential);
        }

        if (ssrc == _remote.Ssrc)
        {
            // The current source is alive: a would-be replacement must start over.
            _candidate = null;
            bool wasValid = _remote.IsValid;
            if (!_remote.UpdateSequence(packet.SequenceNumber))
            {
                return _remote.LastRejectWasJump ? RtpReceiveResult.SequenceDiscontinuity : RtpReceiveResult.Probation;
            }

            UpdateJitter(_remote, packet, arrivalTimestamp);
            return wasValid ? RtpReceiveResult.Accepted : RtpReceiveResult.NewSource;
        }

        if (!_remote.IsValid && _options.RemoteSsrc is null)
        {
            // Nothing accepted yet and nothing signaled: probation restarts with this source.
            _remote = new RtpSourceState(ssrc, packet.SequenceNumber, _options.MinSequential);
            return _remote.UpdateSequence(packet.SequenceNumber) ? Adopt(_remote, packet, arrivalTimestamp) : RtpReceiveResult.Probation;
        }

        return TryReplaceRemote(ssrc, packet, arrivalTimestamp);
    }

    // Another SSRC than the remote's: the remote may have changed SSRC (restart, collision resolution).
    private RtpReceiveResult TryReplaceRemote(uint ssrc, in RtpPacket packet, long arrivalTimestamp)
    {
        int needed = _remoteLeft ? _options.MinSequential : _options.SourceChangePackets;
        if (_candidate is null || _candidate.Ssrc != ssrc)
        {
            _candidate = new RtpSourceState(ssrc, packet.SequenceNumber, needed);
        }

        if (!_candidate.UpdateSequence(packet.SequenceNumber))
        {
            return RtpReceiveResult.UnknownSsrc;
        }

        _remote = _candidate;
        _candidate = null;
        _remoteLeft = false;
        _lastSenderReport = 0;
        return Adopt(_remote, packet, arrivalTimestamp);
    }

    private RtpReceiveResult Adopt(RtpSourceState source, in RtpPacket packet, long arrivalTimestamp)
    {
        _firstArrival = -1;
        UpdateJitter(source, packet, arrivalTimestamp);
        return RtpReceiveResult.NewSource;
    }

    private void UpdateJitter(RtpSourceState source, in RtpPacket packet, long arrivalTimestamp)
    {
        if (_firstArrival < 0)
        {
            _firstArrival = arrivalTimestamp;
        }

        // Arrival in RTP units from the first packet of the source: exact integer arithmetic, no drift.
        Int128 units = (Int128)(arrivalTimestamp - _firstArrival) * _options.ClockRate / _timeProvider.TimestampFrequency;
        source.UpdateJitter(unchecked((uint)(long)units), packet.Timestamp);
    }
}
