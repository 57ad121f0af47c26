namespace VoipKit.Signaling.Messages;

/// <summary>
/// One <c>name[=value]</c> parameter of a URI (<c>;transport=tcp</c>, URI headers <c>?name=value</c>) or of a header field
/// (<c>;tag=abc</c>). Text is kept as written: URI parameters stay %-escaped, quoted header parameter values keep their quotes.
/// </summary>
/// <param name="Name">The parameter name (compare case-insensitively).</param>
/// <param name="Value">The value, or null for a flag parameter such as <c>;lr</c> or <c>;rport</c>.</param>
public readonly record struct SipParameter(string Name, string? Value)
{
    /// <summary>The parameter as written: <c>name</c> or <c>name=value</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value is null ? Name : Name + "=" + Value;
}
