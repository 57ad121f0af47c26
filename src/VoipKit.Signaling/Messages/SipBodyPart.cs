namespace VoipKit.Signaling.Messages;

/// <summary>One part of a multipart body (RFC 5621): its own header fields (Content-Type, Content-Disposition...) and content.</summary>
public sealed class SipBodyPart
{
    /// <summary>Creates a part.</summary>
    /// <param name="headers">The part's header fields, in order.</param>
    /// <param name="content">The content bytes.</param>
    public SipBodyPart(IReadOnlyList<SipHeader> headers, ReadOnlyMemory<byte> content)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Headers = headers;
        Content = content;
    }

    /// <summary>Creates a part with a Content-Type (and optionally a Content-Disposition such as <c>session</c> or <c>render</c>).</summary>
    /// <param name="contentType">The media type, such as <c>application/sdp</c>.</param>
    /// <param name="content">The content bytes.</param>
    /// <param name="contentDisposition">The Content-Disposition value, or null.</param>
    public SipBodyPart(string contentType, ReadOnlyMemory<byte> content, string? contentDisposition = null)
        : this(contentDisposition is null
            ? [new SipHeader(SipHeaderNames.ContentType, contentType)]
            : [new SipHeader(SipHeaderNames.ContentType, contentType), new SipHeader("Content-Disposition", contentDisposition)], content)
    {
    }

    /// <summary>The part's header fields, in order.</summary>
    public IReadOnlyList<SipHeader> Headers { get; }

    /// <summary>The content bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The part's Content-Type, or null (RFC 2046 then means text/plain).</summary>
    public SipContentType? ContentType =>
        GetHeader(SipHeaderNames.ContentType) is { } v && SipContentType.TryParse(v, out SipContentType? t) ? t : null;

    /// <summary>The value of the first field with the name, or null.</summary>
    /// <param name="name">The name (case-insensitive; compact forms accepted).</param>
    /// <returns>The value or null.</returns>
    public string? GetHeader(string name)
    {
        foreach (SipHeader h in Headers)
        {
            if (h.Is(name))
            {
                return h.Value;
            }
        }

        return null;
    }
}
