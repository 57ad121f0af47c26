using System.Globalization;
using System.Text;

namespace VoipKit.Transport.Stun;

/// <summary>
/// A minimal SASLprep (RFC 4013, the "stored strings" profile of stringprep RFC 3454) for STUN passwords:
/// non-ASCII spaces map to U+0020, "commonly mapped to nothing" characters are removed, the result is
/// NFKC-normalized, and prohibited characters are rejected. The bidirectional check (RFC 3454 section 6)
/// is not implemented: .NET exposes no bidi classes.
/// </summary>
internal static class Saslprep
{
    /// <summary>Prepares a string.</summary>
    /// <exception cref="ArgumentException">The string contains a prohibited character or an unpaired surrogate.</exception>
    public static string Prepare(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mapped = new StringBuilder(value.Length);
        foreach (Rune rune in EnumerateRunes(value))
        {
            if (IsNonAsciiSpace(rune.Value))
            {
                mapped.Append(' ');
            }
            else if (!IsMappedToNothing(rune.Value))
            {
                mapped.Append(rune.ToString());
            }
        }

        string normalized = mapped.ToString().Normalize(NormalizationForm.FormKC);
        foreach (Rune rune in EnumerateRunes(normalized))
        {
            if (IsProhibited(rune.Value))
            {
                throw new ArgumentException($"SASLprep: prohibited character U+{rune.Value:X4}.", nameof(value));
            }
        }

        return normalized;
    }

    private static IEnumerable<Rune> EnumerateRunes(string value)
    {
        for (int i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                throw new ArgumentException("SASLprep: unpaired surrogate.", nameof(value));
            }

            yield return rune;
            i += consumed;
        }
    }

    // RFC 3454 table C.1.2.
    private static bool IsNonAsciiSpace(int c) =>
        c is 0x00A0 or 0x1680 or (>= 0x2000 and <= 0x200B) or 0x202F or 0x205F or 0x3000;

    // RFC 3454 table B.1.
    private static bool IsMappedToNothing(int c) =>
        c is 0x00AD or 0x034F or 0x1806 or (>= 0x180B and <= 0x180D) or (>= 0x200B and <= 0x200D) or 0x2060
            or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF;

    // RFC 4013 section 2.3: tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9.
    private static bool IsProhibited(int c) =>
        IsNonAsciiSpace(c)
        || c is <= 0x1F or 0x7F // C.2.1
        || c is (>= 0x80 and <= 0x9F) or 0x06DD or 0x070F or 0x180E or 0x200C or 0x200D or 0x2028 or 0x2029
            or (>= 0x2060 and <= 0x2063) or (>= 0x206A and <= 0x206F) or 0xFEFF or (>= 0xFFF9 and <= 0xFFFC)
            or (>= 0x1D173 and <= 0x1D17A) // C.2.2
        || c is (>= 0xE000 and <= 0xF8FF) or (>= 0xF0000 and <= 0xFFFFD) or (>= 0x100000 and <= 0x10FFFD) // C.3
        || c is (>= 0xFDD0 and <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE // C.4
        || c is (>= 0xFFF9 and <= 0xFFFD) // C.6
        || c is (>= 0x2FF0 and <= 0x2FFB) // C.7
        || c is 0x0340 or 0x0341 or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) // C.8
        || c is 0xE0001 or (>= 0xE0020 and <= 0xE007F) // C.9
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Surrogate; // C.5
}
