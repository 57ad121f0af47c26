using System.Buffers.Binary;

namespace VoipKit.Transport.Stun;

/// <summary>
/// Walks the attributes of a message already validated by <see cref="StunMessage.TryParse"/>. After
/// the first MESSAGE-INTEGRITY(-SHA256) only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are returned.
/// </summary>
internal ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly int _integrityOffset;
    private int _next;
    private StunAttribute _current;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> message, int integrityOffset)
    {
        _message = message;
        _integrityOffset = integrityOffset;
        _next = message.IsEmpty ? 0 : StunConstants.HeaderLength;
        _current = default;
    }

    /// <summary>The current attribute.</summary>
    public readonly StunAttribute Current => _current;

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next considered attribute.</summary>
    public bool MoveNext()
    {
        while (_next + StunConstants.AttributeHeaderLength <= _message.Length)
        {
            int offset = _next;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(_message[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(offset + 2)..]);
            _next = offset + StunConstants.AttributeHeaderLength + StunConstants.Padded(length);
            bool afterIntegrity = _integrityOffset > 0 && offset > _integrityOffset;
            if (afterIntegrity && type is not (StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint))
            {
                continue;
            }

            _current = new StunAttribute(type, _message.Slice(offset + StunConstants.AttributeHeaderLength, length), offset);
            return true;
        }

        return false;
    }
}
