using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VoipKit.Audio;
using VoipKit.Crypto;
using VoipKit.Media.Rtp;
using VoipKit.Media.Session;
using VoipKit.Media.Simulation;

namespace VoipKit.Media.Tests.Session;

/// <summary>
/// Two sessions back to back over simulated paths in virtual time, with a tap on each direction
/// that records every packet (decrypting a copy with the same keys) and can drop chosen ones.
/// </summary>
internal sealed class SessionPair : IAsyncDisposable
{
    public const byte TelephoneEventPayloadType = 101;

    private readonly SimulatedPath _ab;
    private readonly SimulatedPath _ba;

    public SessionPair(IAudioSource sourceA, IAudioSource sourceB, NetworkProfile? profile = null, int seed = 1, byte? telephoneEvent = TelephoneEventPayloadType, FakeTimeProvider? time = null, TimeSpan? dtmfTone = null, TimeSpan? dtmfGap = null,
        TimeProvider? timeB = null) // B's clock when it differs from Time: a wrapper around it that makes B's timers late
    {
        Time = time ?? new FakeTimeProvider();
        KeyA = RandomNumberGenerator.GetBytes(16);
        SaltA = RandomNumberGenerator.GetBytes(12);
        KeyB = RandomNumberGenerator.GetBytes(16);
        SaltB = RandomNumberGenerator.GetBytes(12);
        SinkA = new MemoryAudioSink();
        SinkB = new MemoryAudioSink();
        LogA = new ListLogger();
        LogB = new ListLogger();
        FromA = new PacketTap(Time, KeyA, SaltA);
        FromB = new PacketTap(Time, KeyB, SaltB);
        A = new MediaSession(Options(Time, KeyA, SaltA, KeyB, SaltB, telephoneEvent, dtmfTone, dtmfGap), sourceA, SinkA, FromA, LogA);
        B = new MediaSession(Options(timeB ?? Time, KeyB, SaltB, KeyA, SaltA, telephoneEvent, dtmfTone, dtmfGap), sourceB, SinkB, FromB, LogB);
        NetworkProfile p = profile ?? NetworkProfile.Clean;
        ArrivedAtB = new PacketTap(Time, KeyA, SaltA);
        _ab = new SimulatedPath(p, seed, Time, packet =>
        {
            ArrivedAtB.Send(packet);
            B.OnPacketReceived(packet);
        });
        _ba = new SimulatedPath(p, seed + 1000, Time, packet => A.OnPacketReceived(packet));
        FromA.Path = _ab;
        FromB.Path = _ba;
        B.DtmfReceived += (_, e) => DigitsAtB.Add((e, Time.GetUtcNow()));
    }

    public FakeTimeProvider Time { get; }

    public byte[] KeyA { get; }

    public byte[] SaltA { get; }

    public byte[] KeyB { get; }

    public byte[] SaltB { get; }

    public MediaSession A { get; }

    public MediaSession B { get; }

    public MemoryAudioSink SinkA { get; }

    public MemoryAudioSink SinkB { get; }

    public ListLogger LogA { get; }

    public ListLogger LogB { get; }

    /// <summary>What A sent (before the network), decrypted.</summary>
    public PacketTap FromA { get; }

    /// <summary>What B sent.</summary>
    public PacketTap FromB { get; }

    /// <summary>What of A's arrived at B (after the network).</summary>
    public PacketTap ArrivedAtB { get; }

    /// <summary>The digits B reported, with the virtual time of each report.</summary>
    public List<(DtmfReceivedEventArgs Args, DateTimeOffset At)> DigitsAtB { get; } = [];

    public string DigitStringAtB => string.Concat(DigitsAtB.Select(d => d.Args.Digit));

    public static MediaSessionOptions Options(TimeProvider time, byte[] sendKey, byte[] sendSalt, byte[] receiveKey, byte[] receiveSalt, byte? telephoneEvent,
        TimeSpan? dtmfTone = null, TimeSpan? dtmfGap = null) => new()
    {
        Profile = SrtpProtectionProfile.AeadAes128Gcm,
        SendMasterKey = sendKey,
        SendMasterSalt = sendSalt,
        ReceiveMasterKey = receiveKey,
        ReceiveMasterSalt = receiveSalt,
        TelephoneEventPayloadType = telephoneEvent,
        DtmfToneDuration = dtmfTone ?? TimeSpan.FromMilliseconds(100),
        DtmfToneGap = dtmfGap ?? TimeSpan.FromMilliseconds(60),
        TimeProvider = time,
    };

    public async Task StartAsync()
    {
        await A.StartAsync();
        await B.StartAsync();
    }

    /// <summary>Advances the clock in 1 ms steps.</summary>
    public void Run(TimeSpan duration)
    {
        for (long ms = 0; ms < (long)duration.TotalMilliseconds; ms++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        _ab.Dispose();
        _ba.Dispose();
        FromA.Dispose();
        FromB.Dispose();
        ArrivedAtB.Dispose();
    }
}

/// <summary>One packet as the tap saw it: RTP header fields, and the telephone-event if it carries one.</summary>
internal readonly record struct TappedPacket(TimeSpan At, bool IsRtcp, byte PayloadType, ushort Sequence, uint Timestamp, uint Ssrc, bool Marker, TelephoneEvent? Event);

/// <summary>
/// A transport that records each packet (decrypting its own copy: SRTP hides the payload) and
/// passes it on unless <see cref="Drop"/> says otherwise.
/// </summary>
internal sealed class PacketTap(TimeProvider time, byte[] key, byte[] salt) : IMediaTransport, IDisposable
{
    private readonly SrtpContext _srtp = new(SrtpProtectionProfile.AeadAes128Gcm, key, salt);
    private readonly long _epoch = time.GetTimestamp();
    private readonly byte[] _copy = new byte[1500];

    public SimulatedPath? Path { get; set; }

    public List<TappedPacket> Packets { get; } = [];

    /// <summary>Decides per packet (already recorded) whether the network loses it.</summary>
    public Func<TappedPacket, bool>? Drop { get; set; }

    public IEnumerable<TappedPacket> Rtp => Packets.Where(p => !p.IsRtcp);

    public IEnumerable<TappedPacket> Events => Packets.Where(p => p.Event is not null);

    public void Send(ReadOnlySpan<byte> packet)
    {
        TimeSpan at = time.GetElapsedTime(_epoch);
        TappedPacket tapped;
        if (packet[1] is >= 192 and <= 223)
        {
            tapped = new TappedPacket(at, true, 0, 0, 0, 0, false, null);
        }
        else
        {
            packet.CopyTo(_copy);
            TelephoneEvent? e = null;
            byte pt = (byte)(packet[1] & 0x7F);
            if (pt == SessionPair.TelephoneEventPayloadType && _srtp.Unprotect(_copy, packet.Length, out int length) == SrtpResult.Ok &&
                RtpPacket.TryRead(_copy.AsSpan(0, length), out RtpPacket rtp) == RtpReadResult.Ok && TelephoneEvent.TryRead(rtp.Payload, out TelephoneEvent te))
            {
                e = te;
            }

            tapped = new TappedPacket(at, false, pt, BinaryPrimitives.ReadUInt16BigEndian(packet[2..]), BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
                BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), (packet[1] & 0x80) != 0, e);
        }

        Packets.Add(tapped);
        if (Drop?.Invoke(tapped) != true)
        {
            Path?.Send(packet);
        }
    }

    public void Dispose() => _srtp.Dispose();
}

/// <summary>Keeps what the session logs.</summary>
internal sealed class ListLogger : ILogger<MediaSession>
{
    public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception), exception));
        }
    }
}

/// <summary>Signal measurements for checking what a sink heard.</summary>
internal static class Heard
{
    public static double Rms(ReadOnlySpan<short> x)
    {
        double sum = 0;
        foreach (short v in x)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    /// <summary>The frequency from linearly interpolated rising zero crossings.</summary>
    public static double Frequency(ReadOnlySpan<short> x)
    {
        double first = -1, last = -1;
        int crossings = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            if (x[i] < 0 && x[i + 1] >= 0)
            {
                double t = i + ((double)-x[i] / (x[i + 1] - x[i]));
                if (first < 0)
                {
                    first = t;
                }
                else
                {
                    crossings++;
                }

                last = t;
            }
        }

        return crossings == 0 ? 0 : crossings * (double)AudioFormat.SampleRate / (last - first);
    }

    /// <summary>Samples from <paramref name="from"/> to <paramref name="to"/> seconds into what a sink received.</summary>
    public static ReadOnlySpan<short> Window(MemoryAudioSink sink, double from, double to)
    {
        int start = (int)(from * AudioFormat.SampleRate);
        int end = Math.Min(sink.Count, (int)(to * AudioFormat.SampleRate));
        return sink.Samples[start..end];
    }
}

/// <summary>
/// A real-time source in virtual time: a timer on the fake clock makes one 20 ms frame of a tone
/// per tick and completes a waiting read on its own thread, as a capture device's callback would.
/// </summary>
internal sealed class ClockedToneSource(TimeProvider time, double frequency) : IAudioSource
{
    private readonly Lock _gate = new();
    private readonly Queue<short> _queued = new();
    private ITimer? _timer;
    private long _position;
    private TaskCompletionSource<int>? _pending;
    private Memory<short> _pendingDestination;
    private CancellationTokenRegistration _pendingCancel;

    public bool IsRealTime => true;

    public bool Stopped { get; private set; }

    public long Produced => _position;

    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        _timer = time.CreateTimer(static s => ((ClockedToneSource)s!).Tick(), this, AudioFormat.FrameDuration, AudioFormat.FrameDuration);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Stopped)
            {
                return ValueTask.FromResult(0);
            }

            if (_queued.Count >= destination.Length)
            {
                return ValueTask.FromResult(Take(destination.Span));
            }

            // Completed inline by the timer: the reader's continuation runs on the clock's thread.
            _pending = new TaskCompletionSource<int>();
            _pendingDestination = destination;
            TaskCompletionSource<int> pending = _pending;
            _pendingCancel = cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
            return new ValueTask<int>(pending.Task);
        }
    }

    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<int>? pending;
        lock (_gate)
        {
            Stopped = true;
            pending = _pending;
            _pending = null;
        }

        _timer?.Dispose();
        pending?.TrySetResult(0);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => StopAsync();

    private void Tick()
    {
        TaskCompletionSource<int>? complete = null;
        int got = 0;
        lock (_gate)
        {
            if (Stopped)
            {
                return;
            }

            short[] frame = new short[AudioFormat.SamplesPerFrame];
            ToneSource.Fill(frame, frequency, AudioFormat.SampleRate, 0.5, _position);
            _position += frame.Length;
            foreach (short s in frame)
            {
                _queued.Enqueue(s);
            }

            if (_pending is not null && _queued.Count >= _pendingDestination.Length)
            {
                got = Take(_pendingDestination.Span);
                complete = _pending;
                _pending = null;
                _pendingCancel.Dispose();
            }
        }

        // A device's callback thread has no synchronization context; the test thread that runs the
        // fake clock has xunit's, under which the reader's continuation would be queued, not run here.
        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete?.TrySetResult(got);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private int Take(Span<short> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _queued.Dequeue();
        }

        return destination.Length;
    }
}
