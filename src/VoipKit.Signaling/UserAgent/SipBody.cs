using System.Text;
using VoipKit.Signaling.Messages;

namespace VoipKit.Signaling.UserAgent;

/// <summary>A message body with its content type: an SDP offer or answer, or a multipart body carrying SDP and the call key.</summary>
/// <param name="ContentType">The Content-Type value, for example <c>application/sdp</c>.</param>
/// <param name="Content">The body bytes.</param>
public sealed record SipBody(string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>The content type of session descriptions.</summary>
    public const string SdpContentType = "application/sdp";

    /// <summary>Whether the body is a session description.</summary>
    public bool IsSdp => ContentType.StartsWith(SdpContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Makes an <c>application/sdp</c> body from text.</summary>
    /// <param name="sdp">The session description.</param>
    /// <returns>The body.</returns>
    public static SipBody Sdp(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        return new SipBody(SdpContentType, Encoding.UTF8.GetBytes(sdp));
    }

    /// <summary>The body of a message, or null when it has none.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The body with the message's Content-Type, or null.</returns>
    public static SipBody? From(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body.IsEmpty)
        {
            return null;
        }

        return new SipBody(message.GetHeader(SipHeaderNames.ContentType) ?? "application/octet-stream", message.Body);
    }

    /// <summary>The body as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Content.Span);

    internal void WriteTo(SipMessage message)
    {
        message.SetHeader(SipHeaderNames.ContentType, ContentType);
        message.Body = Content;
    }
}
