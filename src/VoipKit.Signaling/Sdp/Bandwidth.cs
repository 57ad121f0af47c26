namespace VoipKit.Signaling.Sdp;

/// <summary>A <c>b=</c> line (RFC 8866 section 5.8), for example <c>b=AS:64</c> or <c>b=TIAS:64000</c>.</summary>
public sealed record Bandwidth
{
    /// <summary>The bandwidth type (<c>AS</c>, <c>CT</c>, <c>TIAS</c>, <c>RS</c>, <c>RR</c>...).</summary>
    public string Type { get; init; } = "AS";

    /// <summary>The value, in the unit of the type (kbit/s for AS and CT, bit/s for TIAS).</summary>
    public ulong Value { get; init; }
}
