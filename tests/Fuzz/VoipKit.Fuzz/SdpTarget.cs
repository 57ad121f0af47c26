using VoipKit.Signaling.Sdp;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for the SDP parser: any input either fails with <see cref="SdpParseException"/> or parses; a parsed
/// description must serialize, re-parse, and serialize to the same bytes again. Anything else (another exception, a
/// hang, a mismatch) is a finding.
/// </summary>
public static class SdpTarget
{
    /// <summary>Runs one input.</summary>
    /// <param name="data">The fuzzer's bytes.</param>
    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!SessionDescription.TryParse(data, out var first, out _))
        {
            return;
        }

        var once = first.ToUtf8Bytes();
        var second = SessionDescription.Parse(once);
        var twice = second.ToUtf8Bytes();
        if (!once.AsSpan().SequenceEqual(twice))
        {
            throw new InvalidOperationException("SDP serialize/parse round trip is not stable.");
        }
    }
}
