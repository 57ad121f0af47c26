using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// An SDP session description (RFC 8866). Parse one with <see cref="Parse(ReadOnlySpan{byte})"/>, write one with
/// <see cref="WriteTo"/> or <see cref="ToString"/>. Session-level attributes VoipKit understands are typed properties;
/// any other attribute is kept verbatim, in order, in <see cref="Attributes"/>.
/// </summary>
/// <remarks>
/// Parsing rules (see docs/sdp.md): LF-only line endings, blank lines, trailing spaces and runs of spaces between
/// fields are accepted; unknown line type letters, lines out of place, bad numbers, ports outside 0–65535,
/// invalid UTF-8, a missing v/o/s/t line, or an m-line without a connection address at either level (unless its port
/// is 0) are rejected with <see cref="SdpParseException"/>. Input is bounded to <see cref="MaxBytes"/> and <see cref="MaxLines"/>.
/// </remarks>
public sealed class SessionDescription : ISdpSecurityAttributes
{
    /// <summary>The largest description the parser accepts, in bytes (64 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The most lines the parser accepts.</summary>
    public const int MaxLines = 4096;

    /// <summary>The <c>o=</c> line.</summary>
    public Origin Origin { get; set; } = new();

    /// <summary>The <c>s=</c> session name; VoipKit sends <c>-</c>.</summary>
    public string SessionName { get; set; } = "-";

    /// <summary>The <c>i=</c> session information, or null.</summary>
    public string? Information { get; set; }

    /// <summary>The <c>u=</c> URI, or null.</summary>
    public string? Uri { get; set; }

    /// <summary>The <c>e=</c> lines.</summary>
    public List<string> Emails { get; } = [];

    /// <summary>The <c>p=</c> lines.</summary>
    public List<string> Phones { get; } = [];

    /// <summary>The session-level <c>c=</c> line, or null.</summary>
    public ConnectionData? Connection { get; set; }

    /// <summary>The session-level <c>b=</c> lines.</summary>
    public List<Bandwidth> Bandwidths { get; } = [];

    /// <summary>The <c>t=</c> lines (with their <c>r=</c> lines); at least one when written. Calls use <c>t=0 0</c>.</summary>
    public List<Timing> Timings { get; } = [];

    /// <summary>The <c>z=</c> line verbatim, or null.</summary>
    public string? TimeZones { get; set; }

    /// <summary>The obsolete session-level <c>k=</c> line verbatim, or null.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary><c>a=ice-lite</c> (RFC 8839): the endpoint is an ICE-lite implementation.</summary>
    public bool IceLite { get; set; }

    /// <summary>Session-level <c>a=ice-ufrag</c>, or null.</summary>
    public string? IceUfrag { get; set; }

    /// <summary>Session-level <c>a=ice-pwd</c>, or null.</summary>
    public string? IcePwd { get; set; }

    /// <summary>Session-level <c>a=ice-options</c> tokens; empty when absent.</summary>
    public List<string> IceOptions { get; } = [];

    /// <summary>Session-level <c>a=fingerprint</c> attributes.</summary>
    public List<Fingerprint> Fingerprints { get; } = [];

    /// <summary>Session-level <c>a=setup</c>, or null.</summary>
    public DtlsSetupRole? Setup { get; set; }

    /// <summary>
    /// <c>a=x-voipkit-e2e:&lt;version&gt;</c>, VoipKit's own attribute: the endpoint can key SRTP from the end-to-end
    /// (Signal protocol) session of the call instead of from keys carried in SDP, so no signaling server ever sees
    /// media keys. Version 1 is the only one defined. Null when absent. Allowed at session and media level.
    /// </summary>
    public int? EndToEndVersion { get; set; }

    /// <summary>The session-level direction attribute, or null when absent.</summary>
    public MediaDirection? Direction { get; set; }

    /// <summary>Other session-level attributes, verbatim and in order.</summary>
    public List<SdpAttributeLine> Attributes { get; } = [];

    /// <summary>The media descriptions in order.</summary>
    public List<MediaDescription> Media { get; } = [];

    /// <summary>The direction that applies to a media description: its own, else the session's, else sendrecv.</summary>
    /// <param name="media">A media description of this session.</param>
    /// <returns>The effective direction.</returns>
    public MediaDirection EffectiveDirection(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? MediaDirection.SendRecv;
    }

    /// <summary>The connection data that applies to a media description: its own, else the session's.</summary>
    /// <param name="media">A media description of this session.</param>
    /// <returns>The connection, or null when neither level has one.</returns>
    public ConnectionData? EffectiveConnection(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connection ?? Connection;
    }

    /// <summary>Parses a session description from UTF-8 bytes.</summary>
    /// <param name="utf8">The description, at most <see cref="MaxBytes"/> bytes.</param>
    /// <returns>The parsed description.</returns>
    /// <exception cref="SdpParseException">The input is not a valid description; the exception names the line and the reason.</exception>
    public static SessionDescription Parse(ReadOnlySpan<byte> utf8) => SdpParser.Parse(utf8);

    /// <summary>Parses a session description from a string.</summary>
    /// <param name="text">The description.</param>
    /// <returns>The parsed description.</returns>
    /// <exception cref="SdpParseException">The input is not a valid description.</exception>
    public static SessionDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes)
        {
            throw new SdpParseException(0, $"description longer than {MaxBytes} bytes");
        }

        return SdpParser.Parse(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Parses a session description, returning the error instead of throwing it.</summary>
    /// <param name="utf8">The description.</param>
    /// <param name="description">The parsed description, or null.</param>
    /// <param name="error">The parse error, or null.</param>
    /// <returns>True when the input parsed.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out SessionDescription? description, out SdpParseException? error)
    {
        try
        {
            description = SdpParser.Parse(utf8);
            error = null;
            return true;
        }
        catch (SdpParseException e)
        {
            description = null;
            error = e;
            return false;
        }
    }

    /// <summary>Writes the description as UTF-8 with CRLF line endings, lines in RFC 8866 order.</summary>
    /// <param name="writer">The destination.</param>
    /// <exception cref="InvalidOperationException">A text field contains CR, LF or NUL.</exception>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        SdpSerializer.Write(this, writer);
    }

    /// <summary>The description as UTF-8 bytes.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToUtf8Bytes()
    {
        var w = new ArrayBufferWriter<byte>(1024);
        SdpSerializer.Write(this, w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>The description as text with CRLF line endings.</summary>
    /// <returns>The SDP text.</returns>
    public override string ToString()
    {
        var w = new ArrayBufferWriter<byte>(1024);
        SdpSerializer.Write(this, w);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }
}
