using System.Buffers.Binary;

namespace VoipKit.Audio;

/// <summary>
/// Writes the audio it receives to a 16-bit PCM WAV file: by default in VoipKit's format
/// (48 kHz mono), or resampled to another rate and/or duplicated to stereo.
/// </summary>
/// <remarks>
/// The header always describes what is on disk: it is rewritten with the true sizes at
/// least once per <see cref="WavFileSinkOptions.HeaderUpdateInterval"/> of audio, and on
/// <see cref="StopAsync"/> and <see cref="DisposeAsync"/>, so a call that ends abruptly
/// still leaves a playable file.
/// </remarks>
public sealed class WavFileSink : IAudioSink
{
    private readonly string? _path;
    private readonly bool _ownsStream;
    private readonly WavFormat _format;
    private readonly long _headerUpdateSamples;
    private Stream? _stream;
    private AudioResampler? _resampler;
    private short[] _converted = [];
    private byte[] _bytes = [];
    private long _dataBytes;
    private long _samplesSinceHeader;
    private bool _started;
    private bool _stopped;
    private bool _disposed;

    /// <summary>Creates a sink that writes (creating or overwriting) the file at <paramref name="path"/> when started.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="options">The output format; 48 kHz mono when omitted.</param>
    public WavFileSink(string path, WavFileSinkOptions? options = null)
        : this(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _ownsStream = true;
    }

    /// <summary>Creates a sink that writes to a seekable stream (the header is rewritten in place).</summary>
    /// <param name="stream">A writable, seekable stream.</param>
    /// <param name="options">The output format; 48 kHz mono when omitted.</param>
    /// <param name="leaveOpen">Whether disposing the sink leaves the stream open.</param>
    public WavFileSink(Stream stream, WavFileSinkOptions? options = null, bool leaveOpen = false)
        : this(options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be writable and seekable.", nameof(stream));
        }

        _stream = stream;
        _ownsStream = !leaveOpen;
    }

    private WavFileSink(WavFileSinkOptions? options)
    {
        options ??= new WavFileSinkOptions();
        _format = new WavFormat(options.SampleRate, options.Channels);
        _format.Validate();
        if (options.HeaderUpdateInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HeaderUpdateInterval, "The header update interval must be positive.");
        }

        _headerUpdateSamples = (long)(options.HeaderUpdateInterval.TotalSeconds * AudioFormat.SampleRate);
    }

    /// <summary>The format written to the file.</summary>
    public WavFormat Format => _format;

    /// <summary>How many samples (per channel, at the file's rate) are in the file so far.</summary>
    public long SamplesWritten => _dataBytes / _format.BlockAlign;

    /// <inheritdoc />
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_started)
        {
            return;
        }

        _stream ??= new FileStream(_path!, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        _resampler = _format.SampleRate == AudioFormat.SampleRate ? null : new AudioResampler(AudioFormat.SampleRate, _format.SampleRate);
        _started = true;
        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_started || _stopped)
        {
            throw new InvalidOperationException(_stopped ? "The sink was stopped." : "Start the sink before writing.");
        }

        if (_resampler is null)
        {
            await WritePcmAsync(samples.Span, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            EnsureCapacity(ref _converted, _resampler.GetMaxOutputLength(samples.Length));
            int n = _resampler.Process(samples.Span, _converted);
            await WritePcmAsync(_converted.AsSpan(0, n), cancellationToken).ConfigureAwait(false);
        }

        _samplesSinceHeader += samples.Length;
        if (_samplesSinceHeader >= _headerUpdateSamples)
        {
            _samplesSinceHeader = 0;
            await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_started || _stopped || _stream is null)
        {
            _stopped = true;
            return;
        }

        _stopped = true;
        if (_resampler is not null)
        {
            EnsureCapacity(ref _converted, _resampler.GetMaxOutputLength(0));
            int n = _resampler.Flush(_converted);
            await WritePcmAsync(_converted.AsSpan(0, n), cancellationToken).ConfigureAwait(false);
        }

        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes the file (as <see cref="StopAsync"/> does) and closes it.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _disposed = true;
        if (_stream is not null && _ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _stream = null;
    }

    private ValueTask WritePcmAsync(ReadOnlySpan<short> mono, CancellationToken cancellationToken)
    {
        int length = Encode(mono);
        _dataBytes += length;
        return _stream!.WriteAsync(_bytes.AsMemory(0, length), cancellationToken);
    }

    private int Encode(ReadOnlySpan<short> mono)
    {
        int channels = _format.Channels;
        int length = mono.Length * 2 * channels;
        if (_dataBytes + length > uint.MaxValue - WavHeader.CanonicalLength)
        {
            throw new InvalidOperationException("A WAV file cannot hold more than 4 GiB of audio.");
        }

        EnsureCapacity(ref _bytes, length);
        Span<byte> bytes = _bytes.AsSpan(0, length);
        for (int i = 0, j = 0; i < mono.Length; i++)
        {
            for (int c = 0; c < channels; c++, j += 2)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes[j..], mono[i]);
            }
        }

        return length;
    }

    private async ValueTask WriteHeaderAsync(CancellationToken cancellationToken)
    {
        Stream stream = _stream!;
        byte[] header = new byte[WavHeader.CanonicalLength];
        WavHeader.Write(header, _format, (uint)_dataBytes);
        long end = WavHeader.CanonicalLength + _dataBytes;
        stream.Position = 0;
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        stream.Position = end;
        if ((_dataBytes & 1) == 1)
        {
            // RIFF pads odd chunks; the data chunk can only be odd-sized if a caller wrote an odd byte count, which 16-bit PCM never does.
            stream.SetLength(end + 1);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void EnsureCapacity<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
