using VoipKit.Media.Rtp;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for the RFC 4733 telephone-event reader: any input either fails
/// <see cref="TelephoneEvent.TryRead"/> (shorter than 4 bytes) or gives an event whose fields are in
/// range and which writes back as the input's first 4 bytes with the reserved bit cleared; a DTMF
/// event code maps to a digit and back. Anything else is a finding.
/// </summary>
internal static class TelephoneEventTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!TelephoneEvent.TryRead(data, out TelephoneEvent e))
        {
            Check(data.Length < TelephoneEvent.Length && e == default);
            return;
        }

        Check(data.Length >= TelephoneEvent.Length && e.Volume <= TelephoneEvent.MaxVolume);
        Span<byte> written = stackalloc byte[TelephoneEvent.Length];
        Check(e.TryWrite(written, out int length) && length == TelephoneEvent.Length);
        Check(written[0] == data[0] && written[1] == (data[1] & 0xBF) && written[2..].SequenceEqual(data[2..4]));
        Check(TelephoneEvent.TryRead(written, out TelephoneEvent again) && again == e);

        bool dtmf = DtmfDigit.TryGetDigit(e.Event, out char digit);
        Check(dtmf == (e.Event <= DtmfDigit.MaxEventCode));
        Check(!dtmf || (DtmfDigit.TryGetEventCode(digit, out byte code) && code == e.Event));
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Telephone-event invariant broken.");
        }
    }
}
