using System.Diagnostics.CodeAnalysis;

namespace VoipKit.Signaling.Messages;

/// <summary>The Session-Expires value (RFC 4028): an interval in seconds and the optional refresher (uac or uas).</summary>
/// <param name="Seconds">The session interval.</param>
/// <param name="Refresher">The refresher parameter, or null.</param>
/// <param name="Parameters">All parameters, in order.</param>
public sealed record SipSessionExpires(uint Seconds, string? Refresher, IReadOnlyList<SipParameter> Parameters)
{
    /// <summary>Parses a delta-seconds value followed by parameters (Session-Expires and Min-SE).</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value or null.</param>
    /// <returns>False when malformed or out of range.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipSessionExpires? value)
    {
        value = null;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);
        int semi = s.IndexOf(';');
        if (!SipGrammar.TryParseDigits(SipGrammar.TrimWhitespace(semi < 0 ? s : s[..semi]), uint.MaxValue, out long seconds))
        {
            return false;
        }

        List<SipParameter>? parameters = null;
        if (semi >= 0 && !SipParameters.TryParseHeaderParams(s[semi..], out parameters))
        {
            return false;
        }

        IReadOnlyList<SipParameter> p = (IReadOnlyList<SipParameter>?)parameters ?? [];
        value = new SipSessionExpires((uint)seconds, SipParameters.Get(p, "refresher"), p);
        return true;
    }
}
