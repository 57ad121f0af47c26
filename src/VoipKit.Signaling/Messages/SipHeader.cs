namespace VoipKit.Signaling.Messages;

/// <summary>
/// One header field: its name (the canonical long form for known names, so <c>v</c> becomes <c>Via</c>) and its value
/// as text, unfolded and trimmed. A comma-separated value stays one field, as received. Immutable.
/// </summary>
public sealed class SipHeader : IEquatable<SipHeader>
{
    /// <summary>Creates a header field.</summary>
    /// <param name="name">A token; known compact forms are expanded.</param>
    /// <param name="value">The value: no CR or LF; other control characters only as a quoted-pair (after a backslash).</param>
    /// <exception cref="ArgumentException">The name is not a token or the value contains control characters.</exception>
    public SipHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!SipGrammar.IsToken(name))
        {
            throw new ArgumentException("A header name must be a token.", nameof(name));
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is '\r' or '\n' || (((c < ' ' && c != '\t') || c == 0x7f) && (i == 0 || value[i - 1] != '\\')))
            {
                throw new ArgumentException("A header value must not contain control characters (header injection).", nameof(value));
            }
        }

        Name = SipHeaderNames.Canonical(name);
        Value = SipGrammar.TrimWhitespace(value).ToString();
    }

    private SipHeader(string name, string value, bool trusted)
    {
        _ = trusted;
        Name = name;
        Value = value;
    }

    /// <summary>The header name (canonical long form for known names).</summary>
    public string Name { get; }

    /// <summary>The value text.</summary>
    public string Value { get; }

    /// <summary>The typed value the parser produced for this field, cached (the field is immutable).</summary>
    internal object? Parsed { get; set; }

    /// <summary>Whether this field has the given name (case-insensitive; compact forms are accepted).</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when it matches.</returns>
    public bool Is(string name) => string.Equals(Name, SipHeaderNames.Canonical(name), StringComparison.OrdinalIgnoreCase);

    /// <summary>Equal names (case-insensitive) and equal values (exact).</summary>
    /// <param name="other">The other field.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(SipHeader? other) =>
        other is not null && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SipHeader);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Name), Value);

    /// <summary>The field as it is written: <c>Name: value</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Name + ": " + Value;

    /// <summary>For the parser: name already canonical, value already checked.</summary>
    internal static SipHeader CreateTrusted(string name, string value) => new(name, value, true);
}
