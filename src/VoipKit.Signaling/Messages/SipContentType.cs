using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VoipKit.Signaling.Messages;

/// <summary>A media type with parameters: the Content-Type value (RFC 3261 20.15), such as <c>multipart/mixed;boundary=x</c>.</summary>
public sealed class SipContentType
{
    /// <summary>Creates a media type.</summary>
    /// <param name="type">The type, such as <c>application</c>.</param>
    /// <param name="subtype">The subtype, such as <c>sdp</c>.</param>
    /// <param name="parameters">Parameters such as <c>boundary</c>.</param>
    public SipContentType(string type, string subtype, IReadOnlyList<SipParameter>? parameters = null)
    {
        Type = type;
        Subtype = subtype;
        Parameters = parameters ?? [];
    }

    /// <summary>The type (compare case-insensitively).</summary>
    public string Type { get; }

    /// <summary>The subtype (compare case-insensitively).</summary>
    public string Subtype { get; }

    /// <summary>The parameters, values as written (quoted values keep their quotes).</summary>
    public IReadOnlyList<SipParameter> Parameters { get; }

    /// <summary>Whether this is <c>type/subtype</c>.</summary>
    /// <param name="type">The type.</param>
    /// <param name="subtype">The subtype.</param>
    /// <returns>True on a case-insensitive match.</returns>
    public bool Is(string type, string subtype) =>
        string.Equals(Type, type, StringComparison.OrdinalIgnoreCase) && string.Equals(Subtype, subtype, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the type is <c>multipart</c>.</summary>
    public bool IsMultipart => string.Equals(Type, "multipart", StringComparison.OrdinalIgnoreCase);

    /// <summary>The boundary parameter without quotes, or null.</summary>
    public string? Boundary
    {
        get
        {
            string? b = SipParameters.Get(Parameters, "boundary");
            return b is { Length: >= 2 } && b[0] == '"' && b[^1] == '"' ? b[1..^1] : b;
        }
    }

    /// <summary>Parses a media type.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value or null.</param>
    /// <returns>False when malformed.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipContentType? value)
    {
        value = null;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);
        int semi = s.IndexOf(';');
        ReadOnlySpan<char> mt = SipGrammar.TrimWhitespace(semi < 0 ? s : s[..semi]);
        int slash = mt.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        ReadOnlySpan<char> type = SipGrammar.TrimWhitespace(mt[..slash]);
        ReadOnlySpan<char> subtype = SipGrammar.TrimWhitespace(mt[(slash + 1)..]);
        if (!SipGrammar.IsToken(type) || !SipGrammar.IsToken(subtype))
        {
            return false;
        }

        List<SipParameter>? parameters = null;
        if (semi >= 0 && !SipParameters.TryParseHeaderParams(s[semi..], out parameters))
        {
            return false;
        }

        value = new SipContentType(Intern(type), Intern(subtype), parameters);
        return true;
    }

    /// <summary>The value as written: <c>type/subtype;params</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(Type.Length + Subtype.Length + 1).Append(Type).Append('/').Append(Subtype);
        SipParameters.Append(sb, Parameters, ';');
        return sb.ToString();
    }

    private static string Intern(ReadOnlySpan<char> s) => s switch
    {
        "application" => "application",
        "sdp" => "sdp",
        "multipart" => "multipart",
        "mixed" => "mixed",
        "text" => "text",
        "plain" => "plain",
        _ => s.ToString(),
    };
}
