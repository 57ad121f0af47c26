using System.Text.Json;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>Deep equality of session descriptions (every public property, byte arrays by content) via JSON.</summary>
internal static class SdpAssert
{
    public static void Equivalent(SessionDescription expected, SessionDescription actual) => Assert.Equal(Json(expected), Json(actual));

    public static string Json(SessionDescription sdp) => JsonSerializer.Serialize(sdp);
}
