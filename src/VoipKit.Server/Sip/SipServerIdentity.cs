using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using VoipKit.Signaling.Messages;
using VoipKit.Signaling.Transports;

namespace VoipKit.Server.Sip;

/// <summary>
/// Who the server is: its domain, the host and port it advertises, which URIs name it, and the values it derives
/// deterministically from requests (Via branches and To tags), so that a stateless proxy gives a CANCEL or a non-2xx ACK
/// the branch of its INVITE (RFC 3261 16.11) and recognizes the ACK of a response it generated itself.
/// </summary>
internal sealed class SipServerIdentity : IDisposable
{
    /// <summary>Our branches start with the magic cookie and this mark, so a response's top Via can be checked as ours.</summary>
    public const string BranchPrefix = "z9hG4bKvk";

    private const string TagPrefix = "vk";
    private const string DialogTokenName = "vkd";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public SipServerIdentity(string domain, string advertisedHost, int port, IEnumerable<IPAddress> boundAddresses)
    {
        Domain = domain;
        Host = advertisedHost;
        Port = port;
        _hosts.Add(advertisedHost);
        foreach (IPAddress a in boundAddresses)
        {
            _hosts.Add(a.ToString());
            _hosts.Add("[" + a + "]");
        }
    }

    public string Domain { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary><c>host:port</c> as written in our Via.</summary>
    public string SentBy => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the URI names this server itself (host is ours and the port is ours or the default 5060).</summary>
    public bool IsLocal(SipUri uri) =>
        uri.IsSip && _hosts.Contains(uri.Host) && (uri.Port ?? 5060) == Port;

    /// <summary>Whether the URI belongs to our domain (its host is the domain or this server).</summary>
    public bool IsOurDomain(SipUri uri) =>
        uri.IsSip && (string.Equals(uri.Host, Domain, StringComparison.OrdinalIgnoreCase) || IsLocal(uri));

    /// <summary>The canonical address of record <c>sip:user@domain</c> of a URI of our domain with a user, or null.</summary>
    public string? AddressOfRecord(SipUri uri) =>
        IsOurDomain(uri) && uri.UnescapedUser is { Length: > 0 } user ? "sip:" + user + "@" + Domain.ToLowerInvariant() : null;

    /// <summary>
    /// The Record-Route value facing a side reached over <paramref name="protocol"/>. It carries a token bound to the
    /// Call-ID (<c>vkd</c>), so an in-dialog request can show that its dialog was record-routed here (see
    /// <see cref="HasDialogToken"/>).
    /// </summary>
    public string RecordRoute(SipTransportProtocol protocol, string callId) =>
        "<sip:" + SentBy + (protocol == SipTransportProtocol.Tcp ? ";transport=tcp" : string.Empty) + ";lr;" + DialogTokenName + "=" + DialogToken(callId) + ">";

    /// <summary>Whether one of <paramref name="ourRoutes"/> carries the dialog token of <paramref name="callId"/>.</summary>
    public bool HasDialogToken(IEnumerable<SipNameAddress> ourRoutes, string? callId) =>
        callId is not null && ourRoutes.Any(r => string.Equals(r.Uri.GetParameter(DialogTokenName), DialogToken(callId), StringComparison.Ordinal));

    /// <summary>Whether a Via entry is one this server added.</summary>
    public bool IsOurVia(SipVia via) =>
        _hosts.Contains(via.Host) && (via.Port ?? 5060) == Port && via.Branch is { } b && b.StartsWith(BranchPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The branch of a forwarded request: a hash of the received transaction (its top Via branch and sent-by, or the
    /// RFC 2543 fields) then, after a dot, a hash of what the loop check compares (the outgoing Request-URI, From tag,
    /// Call-ID and CSeq number).
    /// </summary>
    public string Branch(SipRequest received, SipUri outgoingUri)
    {
        SipVia top = received.Via[0];
        string transaction = top.Branch is { } b && b.StartsWith("z9hG4bK", StringComparison.Ordinal)
            ? "b|" + b + "|" + top.Host + "|" + top.Port
            : "o|" + top + "|" + received.To?.Tag + "|" + received.From?.Tag + "|" + received.CallId + "|" + received.CSeq?.Number + "|" + received.RequestUri;
        return BranchPrefix + Hash(transaction, 10) + "." + LoopHash(received, outgoingUri);
    }

    /// <summary>Whether a Via of ours already carries the loop hash this request would get: it has been here (482).</summary>
    public bool IsLoop(SipRequest received, SipUri outgoingUri)
    {
        string suffix = "." + LoopHash(received, outgoingUri);
        foreach (SipVia via in received.Via)
        {
            if (IsOurVia(via) && via.Branch!.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The To tag of a response the server generates: the same for every retransmission and for the ACK.</summary>
    public string LocalTag(SipRequest request) => TagPrefix + Hash("t|" + request.CallId + "|" + request.From?.Tag, 8);

    /// <summary>Whether <paramref name="request"/> (an ACK) carries the To tag of a response we generated.</summary>
    public bool HasLocalTag(SipRequest request) =>
        request.To?.Tag is { } tag && string.Equals(tag, LocalTag(request), StringComparison.Ordinal);

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private string DialogToken(string callId) => Hash("d|" + callId, 6);

    private string LoopHash(SipRequest received, SipUri outgoingUri) =>
        Hash("l|" + outgoingUri + "|" + received.From?.Tag + "|" + received.CallId + "|" + received.CSeq?.Number, 6);

    private string Hash(string text, int bytes)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text), mac);
        return Convert.ToHexStringLower(mac[..bytes]);
    }
}
