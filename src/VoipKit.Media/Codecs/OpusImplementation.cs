namespace VoipKit.Media.Codecs;

/// <summary>Which Opus implementation a codec instance runs on.</summary>
public enum OpusImplementation
{
    /// <summary>The machine's libopus, loaded by Concentus (Debian <c>libopus0</c>); about 2x faster encode and 4x faster decode here.</summary>
    Native,

    /// <summary>Concentus' managed C# port of libopus: works everywhere.</summary>
    Managed,
}
