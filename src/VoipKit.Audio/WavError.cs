namespace VoipKit.Audio;

/// <summary>Why a WAV file was refused.</summary>
public enum WavError
{
    /// <summary>The file ends inside the RIFF header or inside a chunk header.</summary>
    TruncatedHeader,

    /// <summary>The file does not start with <c>RIFF</c> (or is RF64/RIFX, which are not supported).</summary>
    NotRiff,

    /// <summary>The RIFF form type is not <c>WAVE</c>.</summary>
    NotWave,

    /// <summary>No <c>fmt </c> chunk comes before the <c>data</c> chunk.</summary>
    MissingFormatChunk,

    /// <summary>The file has no <c>data</c> chunk.</summary>
    MissingDataChunk,

    /// <summary>A chunk claims more bytes than the file holds, or a format chunk is absurdly large.</summary>
    ChunkSizeMismatch,

    /// <summary>The encoding is not integer PCM (for example IEEE float, A-law, mu-law, ADPCM).</summary>
    UnsupportedEncoding,

    /// <summary>The sample size is not 16 bits (8, 24 and 32-bit PCM are not supported).</summary>
    UnsupportedBitsPerSample,

    /// <summary>The channel count is 0 or more than 2.</summary>
    UnsupportedChannelCount,

    /// <summary>The sample rate is outside 8,000–48,000 Hz.</summary>
    UnsupportedSampleRate,

    /// <summary>The block align or byte rate do not agree with the channels, rate and sample size.</summary>
    InconsistentFormat,
}
