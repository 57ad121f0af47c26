using VoipKit.Signaling.Messages;

namespace VoipKit.Server.Sip;

/// <summary>One registered contact of an address of record (RFC 3261 10.3), with the flow its REGISTER arrived on.</summary>
internal sealed record SipBinding(
    string AddressOfRecord,
    SipUri Contact,
    string CallId,
    uint CSeq,
    DateTimeOffset ExpiresAt,
    SipFlow Flow,
    long Sequence)
{
    /// <summary>Seconds left at <paramref name="now"/>, rounded down, never negative.</summary>
    public uint RemainingSeconds(DateTimeOffset now) =>
        ExpiresAt <= now ? 0 : (uint)Math.Min(uint.MaxValue, Math.Floor((ExpiresAt - now).TotalSeconds));

    /// <summary>
    /// A comparison key for contact URIs (RFC 3261 19.1.4, simplified): scheme, user, host (case-insensitive), port with
    /// its default, and transport; other parameters do not tell bindings apart.
    /// </summary>
    public static string ContactKey(SipUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsSip)
        {
            return uri.ToString();
        }

        bool secure = uri.Scheme.Equals("sips", StringComparison.OrdinalIgnoreCase);
        string transport = (uri.Transport ?? (secure ? "tls" : "udp")).ToLowerInvariant();
        int port = uri.Port ?? (secure || transport == "tls" ? 5061 : 5060);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{uri.Scheme.ToLowerInvariant()}:{uri.UnescapedUser}@{uri.Host.ToLowerInvariant()}:{port};{transport}");
    }
}
