using System.Buffers;
using System.Globalization;

namespace VoipKit.Signaling.Messages;

/// <summary>A SIP response: status code, reason phrase, header fields and body.</summary>
public sealed class SipResponse : SipMessage
{
    /// <summary>Creates a response.</summary>
    /// <param name="statusCode">100–699.</param>
    /// <param name="reasonPhrase">The reason phrase; the standard one when null.</param>
    /// <param name="headers">Header fields in order.</param>
    /// <param name="body">The body.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code is outside 100–699.</exception>
    /// <exception cref="ArgumentException">The reason phrase contains control characters.</exception>
    public SipResponse(int statusCode, string? reasonPhrase = null, IEnumerable<SipHeader>? headers = null, ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        reasonPhrase ??= SipReasonPhrases.Get(statusCode);
        foreach (char c in reasonPhrase)
        {
            if ((c < ' ' && c != '\t') || c == 0x7f)
            {
                throw new ArgumentException("A reason phrase must not contain control characters.", nameof(reasonPhrase));
            }
        }

        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>The status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase (may be empty).</summary>
    public string ReasonPhrase { get; }

    /// <summary>
    /// Builds the response to a request that failed to parse, from the Via, From, To, Call-ID and CSeq it carried
    /// (RFC 3261 8.2.6: a To tag is added when the request had none).
    /// </summary>
    /// <param name="error">The parse error; <see cref="SipParseException.CanRespond"/> must be true.</param>
    /// <param name="statusCode">The code, 400 by default (505 for <see cref="SipParseError.UnsupportedVersion"/>).</param>
    /// <param name="toTag">The To tag to add when missing; a random one when null.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentException">The error does not allow a response.</exception>
    public static SipResponse ForRejectedRequest(SipParseException error, int? statusCode = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        toTag ??= Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        if (!error.CanRespond)
        {
            throw new ArgumentException("Not enough of the request was readable to respond.", nameof(error));
        }

        int code = statusCode ?? (error.Error == SipParseError.UnsupportedVersion ? 505 : 400);
        var response = new SipResponse(code, null, error.ResponseHeaders);
        for (int i = 0; i < response.Headers.Count; i++)
        {
            SipHeader h = response.Headers[i];
            if (h.Is(SipHeaderNames.To) && SipNameAddress.TryParse(h.Value, out SipNameAddress? to) && to.Tag is null)
            {
                response.Headers[i] = new SipHeader(SipHeaderNames.To, h.Value + ";tag=" + toTag);
            }
        }

        return response;
    }

    private protected override bool StartLineEquals(SipMessage other) =>
        other is SipResponse r && r.StatusCode == StatusCode && string.Equals(r.ReasonPhrase, ReasonPhrase, StringComparison.Ordinal);

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteAscii(writer, "SIP/2.0 ");
        SipMessageWriter.WriteAscii(writer, StatusCode.ToString(CultureInfo.InvariantCulture));
        SipMessageWriter.WriteAscii(writer, " ");
        SipMessageWriter.WriteText(writer, ReasonPhrase);
    }
}
