using System.Collections.Frozen;

namespace VoipKit.Signaling.Messages;

/// <summary>Canonical header names, compact forms (RFC 3261 7.3.3 and later RFCs), and which fields may appear only once.</summary>
public static class SipHeaderNames
{
    /// <summary>Via (compact <c>v</c>).</summary>
    public const string Via = "Via";

    /// <summary>From (compact <c>f</c>).</summary>
    public const string From = "From";

    /// <summary>To (compact <c>t</c>).</summary>
    public const string To = "To";

    /// <summary>Call-ID (compact <c>i</c>).</summary>
    public const string CallId = "Call-ID";

    /// <summary>CSeq.</summary>
    public const string CSeq = "CSeq";

    /// <summary>Contact (compact <c>m</c>).</summary>
    public const string Contact = "Contact";

    /// <summary>Max-Forwards.</summary>
    public const string MaxForwards = "Max-Forwards";

    /// <summary>Route.</summary>
    public const string Route = "Route";

    /// <summary>Record-Route.</summary>
    public const string RecordRoute = "Record-Route";

    /// <summary>Content-Type (compact <c>c</c>).</summary>
    public const string ContentType = "Content-Type";

    /// <summary>Content-Length (compact <c>l</c>).</summary>
    public const string ContentLength = "Content-Length";

    /// <summary>Expires.</summary>
    public const string Expires = "Expires";

    /// <summary>WWW-Authenticate.</summary>
    public const string WwwAuthenticate = "WWW-Authenticate";

    /// <summary>Authorization.</summary>
    public const string Authorization = "Authorization";

    /// <summary>Proxy-Authenticate.</summary>
    public const string ProxyAuthenticate = "Proxy-Authenticate";

    /// <summary>Proxy-Authorization.</summary>
    public const string ProxyAuthorization = "Proxy-Authorization";

    /// <summary>Session-Expires (RFC 4028, compact <c>x</c>).</summary>
    public const string SessionExpires = "Session-Expires";

    /// <summary>Min-SE (RFC 4028).</summary>
    public const string MinSE = "Min-SE";

    /// <summary>Supported (compact <c>k</c>).</summary>
    public const string Supported = "Supported";

    /// <summary>Require.</summary>
    public const string Require = "Require";

    /// <summary>Allow.</summary>
    public const string Allow = "Allow";

    /// <summary>Unsupported.</summary>
    public const string Unsupported = "Unsupported";

    /// <summary>Min-Expires (RFC 3261 20.23).</summary>
    public const string MinExpires = "Min-Expires";

    /// <summary>Retry-After.</summary>
    public const string RetryAfter = "Retry-After";

    private static readonly string[] s_known =
    [
        Via, From, To, CallId, CSeq, Contact, MaxForwards, Route, RecordRoute, ContentType, ContentLength, Expires,
        WwwAuthenticate, Authorization, ProxyAuthenticate, ProxyAuthorization, SessionExpires, MinSE, Supported, Require,
        "Proxy-Require", "Unsupported", "Allow", "Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "Server",
        "Subject", "Event", "Allow-Events", "Refer-To", "Referred-By", "Identity", "Identity-Info", "Date", "Timestamp",
        "Warning", "Retry-After", "Min-Expires", "Organization", "Priority", "Reply-To", "In-Reply-To", "Alert-Info",
        "Call-Info", "Error-Info", "MIME-Version", "Authentication-Info", "Subscription-State", "RSeq", "RAck",
        "P-Asserted-Identity", "P-Preferred-Identity", "Privacy", "Path", "Service-Route", "Reason", "Accept-Contact",
        "Reject-Contact", "Request-Disposition", "Content-Encoding", "Content-Disposition", "Content-Language",
        "Content-ID", "Replaces", "Refer-Sub", "Security-Client", "Security-Server", "Security-Verify",
    ];

    private static readonly FrozenDictionary<string, string> s_byName = Build();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_byName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns the canonical form of a header name: the long form for known names and compact forms, else the name itself.</summary>
    /// <param name="name">The name as written.</param>
    /// <returns>The canonical name.</returns>
    public static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_byName.TryGetValue(name, out string? canonical) ? canonical : name;
    }

    /// <summary>Canonical name of an ASCII name without allocating for known names.</summary>
    internal static string Canonical(ReadOnlySpan<byte> asciiName)
    {
        Span<char> chars = asciiName.Length <= 64 ? stackalloc char[asciiName.Length] : new char[asciiName.Length];
        for (int i = 0; i < asciiName.Length; i++)
        {
            chars[i] = (char)asciiName[i];
        }

        return s_lookup.TryGetValue(chars, out string? canonical) ? canonical : new string(chars);
    }

    /// <summary>Fields that must not be repeated or hold a list: a second occurrence is an error.</summary>
    internal static bool IsSingle(string canonical) => canonical is From or To or CallId or CSeq or MaxForwards or ContentLength
        or ContentType or Expires or SessionExpires or MinSE;

    private static FrozenDictionary<string, string> Build()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string n in s_known)
        {
            d[n] = n;
        }

        (string Compact, string Long)[] compact =
        [
            ("i", CallId), ("m", Contact), ("e", "Content-Encoding"), ("l", ContentLength), ("c", ContentType), ("f", From),
            ("t", To), ("v", Via), ("k", Supported), ("s", "Subject"), ("o", "Event"), ("u", "Allow-Events"), ("r", "Refer-To"),
            ("x", SessionExpires), ("y", "Identity"), ("b", "Referred-By"), ("a", "Accept-Contact"), ("j", "Reject-Contact"),
            ("d", "Request-Disposition"), ("n", "Identity-Info"),
        ];
        foreach ((string c, string l) in compact)
        {
            d[c] = l;
        }

        return d.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
