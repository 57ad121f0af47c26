using System.Buffers;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// An SDES <c>a=crypto:</c> attribute (RFC 4568 section 9.1):
/// <c>a=crypto:&lt;tag&gt; &lt;crypto-suite&gt; &lt;key-params&gt; [&lt;session-params&gt;]</c>.
/// </summary>
public sealed class SdesCrypto
{
    /// <summary>The tag identifying this line within its media description, 0–999999999; the answer repeats the chosen tag.</summary>
    public int Tag { get; init; }

    /// <summary>The crypto-suite name (see <see cref="SdesCryptoSuites"/>); unknown suites are kept and ignored by negotiation.</summary>
    public required string Suite { get; init; }

    /// <summary>The <c>;</c>-separated key parameters, at least one.</summary>
    public required IReadOnlyList<SdesKeyParameters> Keys { get; init; }

    /// <summary>Session parameters (<c>KDR=</c>, <c>UNENCRYPTED_SRTP</c>, <c>WSH=</c>...) verbatim, in order.</summary>
    public IReadOnlyList<string> SessionParameters { get; init; } = [];

    /// <summary>A description without key material.</summary>
    /// <returns>The tag and suite.</returns>
    public override string ToString() => FormattableString.Invariant($"crypto:{Tag} {Suite} <keys redacted>");

    internal static SdesCrypto Parse(ReadOnlySpan<byte> value, int line)
    {
        var rest = value;
        var tag = SdpText.Int(SdpText.RequiredToken(ref rest, line, "crypto tag"), 0, 999_999_999, line, "crypto tag");
        var suite = SdpText.Str(SdpText.RequiredToken(ref rest, line, "crypto suite"));
        var keyParams = SdpText.RequiredToken(ref rest, line, "crypto key parameters");
        var keys = new List<SdesKeyParameters>(1);
        try
        {
            while (true)
            {
                var semi = keyParams.IndexOf((byte)';');
                keys.Add(SdesKeyParameters.Parse(semi < 0 ? keyParams : keyParams[..semi], line));
                if (semi < 0)
                {
                    break;
                }

                keyParams = keyParams[(semi + 1)..];
            }

            var expected = SdesCryptoSuites.KeySaltLength(suite);
            foreach (var k in keys)
            {
                if (expected is int length && k.KeySalt.Length != length)
                {
                    throw new SdpParseException(line, $"crypto key||salt is {k.KeySalt.Length} bytes, {suite} needs {length}");
                }
            }
        }
        catch (SdpParseException)
        {
            foreach (var k in keys)
            {
                k.Clear();
            }

            throw;
        }

        List<string>? sessionParams = null;
        while (true)
        {
            var p = SdpText.NextToken(ref rest);
            if (p.IsEmpty)
            {
                break;
            }

            (sessionParams ??= []).Add(SdpText.Str(p));
        }

        return new SdesCrypto { Tag = tag, Suite = suite, Keys = keys, SessionParameters = sessionParams ?? (IReadOnlyList<string>)[] };
    }

    internal void WriteValue(IBufferWriter<byte> w)
    {
        SdpOutput.Write(w, (ulong)Tag);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, Suite);
        SdpOutput.Write(w, ' ');
        for (var i = 0; i < Keys.Count; i++)
        {
            if (i > 0)
            {
                SdpOutput.Write(w, ';');
            }

            Keys[i].Write(w);
        }

        foreach (var p in SessionParameters)
        {
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, p);
        }
    }
}
