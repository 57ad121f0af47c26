namespace VoipKit.Media.Rtp;

/// <summary>
/// Enumerates the RFC 8285 elements of a header extension block, skipping padding bytes. The block
/// was validated by <see cref="RtpPacket.TryRead"/>, so enumeration never fails; it stops at the
/// reserved one-byte ID 15, as RFC 8285 section 4.2 requires.
/// </summary>
public ref struct RtpHeaderExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly RtpHeaderExtensionForm _form;
    private int _offset;
    private RtpHeaderExtension _current;

    internal RtpHeaderExtensionEnumerator(ReadOnlySpan<byte> data, RtpHeaderExtensionForm form)
    {
        _data = data;
        _form = form;
        _offset = 0;
        _current = default;
    }

    /// <summary>The current element.</summary>
    public readonly RtpHeaderExtension Current => _current;

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly RtpHeaderExtensionEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next element.</summary>
    /// <returns>False when there are no more elements.</returns>
    public bool MoveNext()
    {
        int next = RtpHeaderExtensionParser.Next(_data, _form, _offset, out byte id, out int valueOffset, out int valueLength);
        if (next < 0)
        {
            _offset = _data.Length;
            return false;
        }

        _current = new RtpHeaderExtension(id, _data.Slice(valueOffset, valueLength));
        _offset = next;
        return true;
    }
}
