namespace VoipKit.Media.Codecs;

/// <summary>Tells which Opus implementation Concentus handed out.</summary>
internal static class OpusCodecInfo
{
    // Concentus' managed codecs live in Concentus.Structs; its native wrappers elsewhere (Concentus.Native).
    public static OpusImplementation ImplementationOf(object codec) =>
        codec.GetType().Namespace == "Concentus.Structs" ? OpusImplementation.Managed : OpusImplementation.Native;
}
