namespace VoipKit.Media.Rtp;

/// <summary>
/// The DTMF digits and their RFC 4733 event codes (section 3.2): 0–9 are events 0–9, * is 10,
/// # is 11 and A–D are 12–15.
/// </summary>
public static class DtmfDigit
{
    /// <summary>The highest DTMF event code (D).</summary>
    public const byte MaxEventCode = 15;

    private const string Digits = "0123456789*#ABCD";

    /// <summary>The event code of a DTMF digit.</summary>
    /// <param name="digit">0–9, *, #, or A–D in either case.</param>
    /// <param name="eventCode">The event code, 0–15; 0 when <paramref name="digit"/> is not a DTMF digit.</param>
    /// <returns>False when <paramref name="digit"/> is not a DTMF digit.</returns>
    public static bool TryGetEventCode(char digit, out byte eventCode)
    {
        int index = Digits.IndexOf(digit is >= 'a' and <= 'd' ? (char)(digit - 'a' + 'A') : digit, StringComparison.Ordinal);
        eventCode = (byte)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>The DTMF digit of an event code.</summary>
    /// <param name="eventCode">The event code.</param>
    /// <param name="digit">0–9, *, # or A–D (upper case); '\0' when the code is not a DTMF event.</param>
    /// <returns>False when <paramref name="eventCode"/> is above 15 (not a DTMF event).</returns>
    public static bool TryGetDigit(byte eventCode, out char digit)
    {
        if (eventCode > MaxEventCode)
        {
            digit = '\0';
            return false;
        }

        digit = Digits[eventCode];
        return true;
    }

    /// <summary>Whether a character is a DTMF digit: 0–9, *, #, or A–D in either case.</summary>
    /// <param name="digit">The character.</param>
    /// <returns>True for a DTMF digit.</returns>
    public static bool IsValid(char digit) => TryGetEventCode(digit, out _);
}
