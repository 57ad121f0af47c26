namespace VoipKit.Media.Codecs;

/// <summary>Which Opus implementation to ask for.</summary>
public enum OpusCodecPreference
{
    /// <summary>The native libopus when the machine has it, else managed code.</summary>
    Auto,

    /// <summary>Always managed code (for comparisons and for machines where loading native code is unwanted).</summary>
    Managed,
}
