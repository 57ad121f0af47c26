namespace VoipKit.Audio;

/// <summary>A WAV file (or stream) that VoipKit cannot or will not read; <see cref="Error"/> says why.</summary>
public sealed class WavFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The reason.</param>
    /// <param name="message">A message naming the problem and the values found.</param>
    public WavFormatException(WavError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public WavFormatException()
        : this(WavError.NotRiff, "Not a readable WAV file.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public WavFormatException(string message)
        : this(WavError.NotRiff, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WavFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = WavError.NotRiff;
    }

    /// <summary>Why the file was refused.</summary>
    public WavError Error { get; }
}
