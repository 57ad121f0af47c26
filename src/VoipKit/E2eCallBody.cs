using System.Globalization;
using VoipKit.Crypto.Signal;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.UserAgent;

namespace VoipKit;

/// <summary>
/// The wire format of an end-to-end call offer (docs/e2e-calls.md): a <c>multipart/mixed</c> INVITE body with the SDP
/// offer and one sealed call secret per recipient device, each in an
/// <c>application/vnd.voipkit.call-key;v=1;type=prekey|signal;device=N;sender-device=M</c> part whose content is the
/// serialized Signal message. The secret inside is bound to the exact bytes of the SDP part.
/// </summary>
internal static class E2eCallBody
{
    public const string KeyContentType = "application/vnd.voipkit.call-key";
    public const int Version = 1;

    /// <summary>A sealed call secret for one recipient device.</summary>
    public sealed record SealedPart(uint RecipientDevice, uint SenderDevice, CiphertextMessage Message);

    public static SipBody Build(ReadOnlyMemory<byte> sdp, IReadOnlyList<SealedPart> keys)
    {
        var parts = new List<SipBodyPart>(keys.Count + 1) { new(SipBody.SdpContentType, sdp, "session") };
        foreach (SealedPart key in keys)
        {
            string type = key.Message.Type == CiphertextMessageType.PreKeySignalMessage ? "prekey" : "signal";
            string contentType = string.Create(CultureInfo.InvariantCulture, $"{KeyContentType};v={Version};type={type};device={key.RecipientDevice};sender-device={key.SenderDevice}");
            // Optional rendering: a phone that does not know the type ignores the part and answers the SDP (RFC 5621).
            parts.Add(new SipBodyPart(contentType, key.Message.Serialized, "render;handling=optional"));
        }

        var body = new SipMultipartBody(SipMultipartBody.NewBoundary(), parts);
        return new SipBody(body.ContentTypeValue(), body.ToArray());
    }

    /// <summary>
    /// Splits an offer body into its SDP and the sealed secrets addressed to us. A plain SDP body has no keys. Parts of an
    /// unknown version or malformed parameters are skipped (counted by the caller as not end-to-end).
    /// </summary>
    public static bool TryParse(SipBody body, out ReadOnlyMemory<byte> sdp, out List<SealedPart> keys)
    {
        keys = [];
        sdp = default;
        if (body.IsSdp)
        {
            sdp = body.Content;
            return true;
        }

        if (!SipContentType.TryParse(body.ContentType, out SipContentType? type) || !type.IsMultipart || type.Boundary is not { } boundary ||
            !SipMultipartBody.TryParse(body.Content.Span, boundary, out SipMultipartBody? multipart, out _))
        {
            return false;
        }

        bool haveSdp = false;
        foreach (SipBodyPart part in multipart.Parts)
        {
            if (part.ContentType is not { } partType)
            {
                continue;
            }

            if (partType.Is("application", "sdp") && !haveSdp)
            {
                sdp = part.Content;
                haveSdp = true;
            }
            else if (partType.Is("application", "vnd.voipkit.call-key") && TryReadKey(partType, part.Content) is { } key)
            {
                keys.Add(key);
            }
        }

        return haveSdp;
    }

    private static SealedPart? TryReadKey(SipContentType type, ReadOnlyMemory<byte> content)
    {
        string? Get(string name)
        {
            foreach (SipParameter p in type.Parameters)
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return p.Value;
                }
            }

            return null;
        }

        if (Get("v") != "1" || !uint.TryParse(Get("device"), NumberStyles.None, CultureInfo.InvariantCulture, out uint device) ||
            !uint.TryParse(Get("sender-device"), NumberStyles.None, CultureInfo.InvariantCulture, out uint sender) || content.IsEmpty)
        {
            return null;
        }

        CiphertextMessageType? messageType = Get("type") switch
        {
            "prekey" => CiphertextMessageType.PreKeySignalMessage,
            "signal" => CiphertextMessageType.SignalMessage,
            _ => null,
        };
        return messageType is { } t ? new SealedPart(device, sender, new CiphertextMessage(t, content)) : null;
    }
}
