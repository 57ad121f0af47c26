using System.Buffers;

namespace VoipKit.Signaling.Messages;

/// <summary>A SIP request: method, Request-URI, header fields and body.</summary>
public sealed class SipRequest : SipMessage
{
    /// <summary>Creates a request.</summary>
    /// <param name="method">The method, a token (case-sensitive).</param>
    /// <param name="requestUri">The Request-URI.</param>
    /// <param name="headers">Header fields in order.</param>
    /// <param name="body">The body.</param>
    /// <exception cref="ArgumentException">The method is not a token.</exception>
    public SipRequest(string method, SipUri requestUri, IEnumerable<SipHeader>? headers = null, ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!SipGrammar.IsToken(method))
        {
            throw new ArgumentException("A method must be a token.", nameof(method));
        }

        Method = SipMethods.Intern(method);
        RequestUri = requestUri;
    }

    /// <summary>The method.</summary>
    public string Method { get; }

    /// <summary>The Request-URI.</summary>
    public SipUri RequestUri { get; set; }

    private protected override bool StartLineEquals(SipMessage other) =>
        other is SipRequest r && string.Equals(r.Method, Method, StringComparison.Ordinal) && r.RequestUri.Equals(RequestUri);

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteAscii(writer, Method);
        SipMessageWriter.WriteAscii(writer, " ");
        SipMessageWriter.WriteText(writer, RequestUri.ToString());
        SipMessageWriter.WriteAscii(writer, " SIP/2.0");
    }
}
