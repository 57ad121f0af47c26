using System.Buffers.Binary;

namespace VoipKit.Media.Rtcp;

/// <summary>
/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01,
/// RTPFB FMT 15): for a range of transport-wide sequence numbers, which packets arrived and when.
/// </summary>
public readonly ref struct RtcpTransportWideFeedback
{
    /// <summary>The most packets one feedback packet can describe (16-bit status count).</summary>
    public const int MaxPacketCount = ushort.MaxValue;

    /// <summary>The reference time's unit.</summary>
    public static readonly TimeSpan ReferenceTimeUnit = TimeSpan.FromMilliseconds(64);

    // Sender SSRC, media SSRC, base sequence, status count, reference time, feedback count.
    private const int FixedBodyLength = 16;

    private readonly ReadOnlySpan<byte> _body;
    private readonly int _deltasOffset;

    private RtcpTransportWideFeedback(ReadOnlySpan<byte> body, int deltasOffset)
    {
        _body = body;
        _deltasOffset = deltasOffset;
    }

    /// <summary>The SSRC of the packet sender (the receiver giving feedback).</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The SSRC of the media source.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body[4..]);

    /// <summary>The transport-wide sequence number of the first packet described.</summary>
    public ushort BaseSequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_body[8..]);

    /// <summary>How many packets are described.</summary>
    public int PacketStatusCount => BinaryPrimitives.ReadUInt16BigEndian(_body[10..]);

    /// <summary>The reference time: a signed 24-bit count of 64 ms units on the receiver's clock.</summary>
    public int ReferenceTime => (int)(BinaryPrimitives.ReadUInt32BigEndian(_body[12..]) & 0xFFFFFF00) >> 8;

    /// <summary>A counter the feedback sender increments per feedback packet, to detect lost feedback.</summary>
    public byte FeedbackPacketCount => _body[15];

    /// <summary>Enumerates the per-packet reports.</summary>
    public TwccPacketEnumerator GetEnumerator() =>
        new(_body[FixedBodyLength.._deltasOffset], _body[_deltasOffset..], BaseSequenceNumber, PacketStatusCount);

    /// <summary>Reads transport-wide feedback, checking that the status chunks cover every packet and every delta is present.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="feedback">The feedback, or default.</param>
    /// <returns><see cref="RtcpReadResult.Ok"/>, <see cref="RtcpReadResult.WrongType"/> or <see cref="RtcpReadResult.MalformedFeedback"/>.</returns>
    public static RtcpReadResult TryRead(RtcpPacket packet, out RtcpTransportWideFeedback feedback)
    {
        feedback = default;
        if (packet.PacketType != RtcpPacketType.TransportFeedback || packet.Count != (int)RtcpFeedbackFormat.TransportWideCongestionControl)
        {
            return RtcpReadResult.WrongType;
        }

        ReadOnlySpan<byte> body = packet.Body;
        if (body.Length < FixedBodyLength)
        {
            return RtcpReadResult.MalformedFeedback;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(body[10..]);
        int offset = FixedBodyLength;
        int covered = 0;
        int deltaBytes = 0;
        while (covered < count)
        {
            if (body.Length - offset < 2)
            {
                return RtcpReadResult.MalformedFeedback;
            }

            ushort chunk = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
            offset += 2;
            TwccChunk.Symbol(chunk, 0, out int capacity);
            if (capacity == 0)
            {
                // A run of length zero would describe nothing.
                return RtcpReadResult.MalformedFeedback;
            }

            int used = Math.Min(capacity, count - covered);
            if ((chunk & 0x8000) == 0)
            {
                int symbol = TwccChunk.Symbol(chunk, 0, out _);
                if (symbol == 3)
                {
                    return RtcpReadResult.MalformedFeedback;
                }

                deltaBytes += used * TwccChunk.DeltaSize(symbol);
            }
            else
            {
                for (int i = 0; i < used; i++)
                {
                    int symbol = TwccChunk.Symbol(chunk, i, out _);
                    if (symbol == 3)
                    {
                        return RtcpReadResult.MalformedFeedback;
                    }

                    deltaBytes += TwccChunk.DeltaSize(symbol);
                }
            }

            covered += used;
        }

        // Anything after the deltas is zero padding.
        if (body.Length - offset < deltaBytes)
        {
            return RtcpReadResult.MalformedFeedback;
        }

        feedback = new RtcpTransportWideFeedback(body[..(offset + deltaBytes)], offset);
        return RtcpReadResult.Ok;
    }

    /// <summary>Writes transport-wide feedback.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">The SSRC of the packet sender.</param>
    /// <param name="mediaSsrc">The SSRC of the media source.</param>
    /// <param name="referenceTime">Signed 24-bit reference time in 64 ms units.</param>
    /// <param name="feedbackPacketCount">The feedback packet counter.</param>
    /// <param name="packets">1 to 65535 reports with consecutive sequence numbers, deltas matching their status.</param>
    /// <param name="written">Bytes written.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, uint mediaSsrc, int referenceTime, byte feedbackPacketCount, ReadOnlySpan<TwccPacketReport> packets, out int written)
    {
        written = 0;
        ArgumentOutOfRangeException.ThrowIfZero(packets.Length, nameof(packets));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packets.Length, MaxPacketCount, nameof(packets));
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceTime, -0x800000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(referenceTime, 0x7FFFFF);
        int deltaBytes = 0;
        for (int i = 0; i < packets.Length; i++)
        {
            TwccPacketReport p = packets[i];
            bool consistent = p.Status switch
            {
                TwccStatus.NotReceived => p.Delta == 0,
                TwccStatus.ReceivedSmallDelta => p.Delta is >= 0 and <= 255,
                TwccStatus.ReceivedLargeDelta => true,
                _ => false,
            };
            if (!consistent || p.SequenceNumber != (ushort)(packets[0].SequenceNumber + i))
            {
                throw new ArgumentException($"Report {i} has a status its delta does not fit, or a sequence number out of order.", nameof(packets));
            }

            deltaBytes += TwccChunk.DeltaSize((int)p.Status);
        }

        int chunksOffset = RtcpPacket.HeaderLength + FixedBodyLength;
        int chunkBytes = 2 * WriteChunks(packets, default);
        int unpadded = chunksOffset + chunkBytes + deltaBytes;
        int length = RtcpHeaderWriter.Align4(unpadded);
        if (destination.Length < length || length / 4 > ushort.MaxValue + 1)
        {
            return false;
        }

        RtcpHeaderWriter.Write(destination, (int)RtcpFeedbackFormat.TransportWideCongestionControl, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], packets[0].SequenceNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)packets.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], ((uint)referenceTime << 8) | feedbackPacketCount);
        WriteChunks(packets, destination[chunksOffset..]);
        int offset = chunksOffset + chunkBytes;
        foreach (TwccPacketReport p in packets)
        {
            if (p.Status == TwccStatus.ReceivedSmallDelta)
            {
                destination[offset++] = (byte)p.Delta;
            }
            else if (p.Status == TwccStatus.ReceivedLargeDelta)
            {
                BinaryPrimitives.WriteInt16BigEndian(destination[offset..], p.Delta);
                offset += 2;
            }
        }

        destination[unpadded..length].Clear();
        written = length;
        return true;
    }

    /// <summary>
    /// Turns arrival times into reports: picks the reference time (the first arrival, rounded down to
    /// 64 ms) and deltas in 250 µs units that do not drift (each is taken from the arrival times
    /// truncated to the unit, not from rounded differences).
    /// </summary>
    /// <param name="baseSequenceNumber">The first packet's transport-wide sequence number.</param>
    /// <param name="arrivalMicroseconds">Per packet from the base on: arrival time in µs on any monotonic clock, or a negative value when lost. The first must have arrived.</param>
    /// <param name="reports">Receives one report per arrival.</param>
    /// <param name="referenceTime">The reference time to write, in 64 ms units (24 bits, wrapped).</param>
    /// <returns>False when a delta does not fit in 16 bits (split the feedback there).</returns>
    public static bool TryComputeReports(ushort baseSequenceNumber, ReadOnlySpan<long> arrivalMicroseconds, Span<TwccPacketReport> reports, out int referenceTime)
    {
        ArgumentOutOfRangeException.ThrowIfZero(arrivalMicroseconds.Length, nameof(arrivalMicroseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(reports.Length, arrivalMicroseconds.Length, nameof(reports));
        ArgumentOutOfRangeException.ThrowIfNegative(arrivalMicroseconds[0], nameof(arrivalMicroseconds));
        long reference = arrivalMicroseconds[0] / 64_000;
        // Sign-extend the wrapped 24-bit value.
        referenceTime = (int)((uint)reference << 8) >> 8;
        long previousUnits = reference * 256;
        for (int i = 0; i < arrivalMicroseconds.Length; i++)
        {
            var sequence = (ushort)(baseSequenceNumber + i);
            long arrival = arrivalMicroseconds[i];
            if (arrival < 0)
            {
                reports[i] = new TwccPacketReport(sequence, TwccStatus.NotReceived, 0);
                continue;
            }

            long units = arrival / 250;
            long delta = units - previousUnits;
            if (delta is < short.MinValue or > short.MaxValue)
            {
                return false;
            }

            previousUnits = units;
            reports[i] = new TwccPacketReport(sequence, delta is >= 0 and <= 255 ? TwccStatus.ReceivedSmallDelta : TwccStatus.ReceivedLargeDelta, (short)delta);
        }

        return true;
    }

    // Chooses chunks greedily: long runs as run-length chunks, otherwise a 1-bit vector when the next
    // 14 statuses need no large delta, else a 2-bit vector. Writes them when the span is not empty;
    // returns how many chunks.
    private static int WriteChunks(ReadOnlySpan<TwccPacketReport> packets, Span<byte> destination)
    {
        int chunks = 0;
        int i = 0;
        while (i < packets.Length)
        {
            TwccStatus status = packets[i].Status;
            int run = 1;
            while (i + run < packets.Length && run < TwccChunk.MaxRunLength && packets[i + run].Status == status)
            {
                run++;
            }

            ushort chunk;
            if (run >= 14 || (run >= 7 && status == TwccStatus.ReceivedLargeDelta) || i + run == packets.Length)
            {
                chunk = (ushort)(((int)status << 13) | run);
                i += run;
            }
            else
            {
                int window = Math.Min(14, packets.Length - i);
                bool oneBit = true;
                for (int k = 0; k < window; k++)
                {
                    oneBit &= packets[i + k].Status != TwccStatus.ReceivedLargeDelta;
                }

                if (oneBit)
                {
                    chunk = 0x8000;
                    for (int k = 0; k < window; k++)
                    {
                        chunk |= (ushort)((int)packets[i + k].Status << (13 - k));
                    }

                    i += window;
                }
                else
                {
                    window = Math.Min(7, packets.Length - i);
                    chunk = 0xC000;
                    for (int k = 0; k < window; k++)
                    {
                        chunk |= (ushort)((int)packets[i + k].Status << (12 - (2 * k)));
                    }

                    i += window;
                }
            }

            if (!destination.IsEmpty)
            {
                BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * chunks)..], chunk);
            }

            chunks++;
        }

        return chunks;
    }
}
