namespace VoipKit.Audio;

/// <summary>
/// Reads a 16-bit PCM WAV file (8–48 kHz, mono or stereo) as an <see cref="IAudioSource"/>
/// in VoipKit's format: stereo is downmixed, other rates are resampled to 48 kHz. Reads are
/// as fast as they are asked for (<see cref="IAudioSource.IsRealTime"/> is false).
/// </summary>
/// <remarks>
/// The header is validated when the source starts (<see cref="StartAsync"/>): a truncated
/// header, lying chunk sizes, an unsupported encoding, channel count or rate throw a
/// <see cref="WavFormatException"/> naming the problem.
/// </remarks>
public sealed class WavFileSource : IAudioSource
{
    private const int ReadChunkFrames = 1024;

    private readonly string? _path;
    private Stream? _stream;
    private readonly bool _ownsStream;
    private AudioResampler? _resampler;
    private byte[] _raw = [];
    private short[] _mono = [];
    private short[] _converted = [];
    private int _convertedStart;
    private int _convertedCount;
    private long _dataRemaining;
    private bool _started;
    private bool _stopped;
    private bool _inputEnded;
    private bool _disposed;

    /// <summary>Creates a source that reads the file at <paramref name="path"/> when started.</summary>
    /// <param name="path">The WAV file.</param>
    public WavFileSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _ownsStream = true;
    }

    /// <summary>Creates a source over a stream positioned at the start of a WAV file.</summary>
    /// <param name="stream">A readable stream; seekable streams also get their chunk sizes checked against their length.</param>
    /// <param name="leaveOpen">Whether disposing the source leaves the stream open.</param>
    public WavFileSource(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        _stream = stream;
        _ownsStream = !leaveOpen;
    }

    /// <inheritdoc />
    public bool IsRealTime => false;

    /// <summary>The file's own format; known once started.</summary>
    public WavFormat? FileFormat { get; private set; }

    /// <summary>The file's duration; known once started.</summary>
    public TimeSpan? Duration { get; private set; }

    /// <inheritdoc />
    /// <exception cref="WavFormatException">The file is not a supported WAV file.</exception>
    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return ValueTask.CompletedTask;
        }

        _stream ??= new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        (WavFormat format, long dataLength) = WavHeader.Read(_stream);
        FileFormat = format;
        _dataRemaining = dataLength;
        Duration = TimeSpan.FromTicks(dataLength / format.BlockAlign * TimeSpan.TicksPerSecond / format.SampleRate);
        _resampler = format.SampleRate == AudioFormat.SampleRate ? null : new AudioResampler(format.SampleRate, AudioFormat.SampleRate);
        _raw = new byte[ReadChunkFrames * format.BlockAlign];
        _mono = new short[ReadChunkFrames];
        _converted = new short[_resampler?.GetMaxOutputLength(ReadChunkFrames) ?? ReadChunkFrames];
        _started = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<short> destination, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Start the source before reading.");
        }

        int written = 0;
        while (written < destination.Length && !_stopped)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_convertedCount == 0)
            {
                if (_inputEnded)
                {
                    break;
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            int n = Math.Min(_convertedCount, destination.Length - written);
            _converted.AsSpan(_convertedStart, n).CopyTo(destination.Span[written..]);
            _convertedStart += n;
            _convertedCount -= n;
            written += n;
        }

        return written;
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        _disposed = true;
        if (_stream is not null && _ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _stream = null;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        WavFormat format = FileFormat!.Value;
        int want = (int)Math.Min(_raw.Length, _dataRemaining);
        int got = 0;
        while (got < want)
        {
            int n = await _stream!.ReadAsync(_raw.AsMemory(got, want - got), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break; // the file is shorter than its header said (only possible for non-seekable streams)
            }

            got += n;
        }

        _dataRemaining -= got;
        int frames = got / format.BlockAlign;
        Downmix(_raw.AsSpan(0, frames * format.BlockAlign), format.Channels, _mono);
        bool last = frames == 0 || _dataRemaining <= 0 || got < want;
        _convertedStart = 0;
        if (_resampler is null)
        {
            _mono.AsSpan(0, frames).CopyTo(_converted);
            _convertedCount = frames;
        }
        else
        {
            _convertedCount = _resampler.Process(_mono.AsSpan(0, frames), _converted);
            if (last)
            {
                _convertedCount += _resampler.Flush(_converted.AsSpan(_convertedCount));
            }
        }

        _inputEnded = last;
    }

    private static void Downmix(ReadOnlySpan<byte> pcm, int channels, Span<short> mono)
    {
        if (channels == 1)
        {
            for (int i = 0, j = 0; j + 1 < pcm.Length; i++, j += 2)
            {
                mono[i] = (short)(pcm[j] | (pcm[j + 1] << 8));
            }

            return;
        }

        for (int i = 0, j = 0; j + 3 < pcm.Length; i++, j += 4)
        {
            int left = (short)(pcm[j] | (pcm[j + 1] << 8));
            int right = (short)(pcm[j + 2] | (pcm[j + 3] << 8));
            // The floor of the mean: a signal identical on both channels comes back unchanged.
            mono[i] = (short)((left + right) >> 1);
        }
    }
}
