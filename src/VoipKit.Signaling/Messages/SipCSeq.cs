using System.Globalization;

namespace VoipKit.Signaling.Messages;

/// <summary>The CSeq header field: a sequence number below 2^31 and a method (RFC 3261 20.16).</summary>
/// <param name="Number">The sequence number.</param>
/// <param name="Method">The method.</param>
public readonly record struct SipCSeq(uint Number, string Method)
{
    /// <summary>Parses a CSeq value.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when malformed or the number is 2^31 or more.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out SipCSeq value)
    {
        value = default;
        ReadOnlySpan<char> s = SipGrammar.TrimWhitespace(text);
        int sp = s.IndexOfAny(' ', '\t');
        if (sp < 0 || !SipGrammar.TryParseDigits(s[..sp], int.MaxValue, out long n))
        {
            return false;
        }

        ReadOnlySpan<char> method = s[sp..].TrimStart(" \t");
        if (!SipGrammar.IsToken(method))
        {
            return false;
        }

        value = new SipCSeq((uint)n, SipMethods.Intern(method));
        return true;
    }

    /// <summary>The value as written: <c>number METHOD</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
