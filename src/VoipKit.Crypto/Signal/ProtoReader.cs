namespace VoipKit.Crypto.Signal;

/// <summary>
/// Minimal span-based protobuf decoder. It never reads outside its buffer and throws
/// <see cref="InvalidMessageException"/> on truncation, overlong or non-minimal varints,
/// out-of-range values, oversize length-delimited fields and wire types we do not accept (groups).
/// </summary>
internal ref struct ProtoReader
{
    public const int WireVarint = 0;
    public const int Wire64 = 1;
    public const int WireLengthDelimited = 2;
    public const int Wire32 = 5;

    private const int MaxFieldNumber = (1 << 29) - 1;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly bool End => _position >= _buffer.Length;

    public readonly int Position => _position;

    /// <summary>Reads the next field's tag.</summary>
    public void ReadTag(out int field, out int wireType)
    {
        ulong tag = ReadVarint();
        if (tag > uint.MaxValue)
        {
            throw new InvalidMessageException("Protobuf tag out of range.");
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field == 0 || field > MaxFieldNumber)
        {
            throw new InvalidMessageException("Protobuf field number out of range.");
        }

        if (wireType is not (WireVarint or Wire64 or WireLengthDelimited or Wire32))
        {
            throw new InvalidMessageException("Unsupported protobuf wire type.");
        }
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int i = 0; i < 10; i++)
        {
            if (_position >= _buffer.Length)
            {
                throw new InvalidMessageException("Truncated protobuf varint.");
            }

            byte b = _buffer[_position++];
            if (i == 9 && b > 1)
            {
                throw new InvalidMessageException("Overlong protobuf varint.");
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // A final zero byte after the first means a padded (non-minimal) encoding.
                if (b == 0 && i > 0)
                {
                    throw new InvalidMessageException("Non-minimal protobuf varint.");
                }

                return result;
            }
        }

        throw new InvalidMessageException("Overlong protobuf varint.");
    }

    public uint ReadUInt32(int wireType)
    {
        Expect(wireType, WireVarint);
        ulong value = ReadVarint();
        if (value > uint.MaxValue)
        {
            throw new InvalidMessageException("Protobuf uint32 out of range.");
        }

        return (uint)value;
    }

    public ulong ReadUInt64(int wireType)
    {
        Expect(wireType, WireVarint);
        return ReadVarint();
    }

    public bool ReadBool(int wireType)
    {
        Expect(wireType, WireVarint);
        return ReadVarint() switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidMessageException("Protobuf bool out of range."),
        };
    }

    public ReadOnlySpan<byte> ReadBytes(int wireType, int maxLength)
    {
        Expect(wireType, WireLengthDelimited);
        ulong length = ReadVarint();
        if (length > (ulong)maxLength)
        {
            throw new InvalidMessageException("Protobuf field too long.");
        }

        if ((ulong)(_buffer.Length - _position) < length)
        {
            throw new InvalidMessageException("Truncated protobuf field.");
        }

        ReadOnlySpan<byte> value = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    /// <summary>Skips an unknown field (protobuf lets newer peers add fields).</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                ReadVarint();
                break;
            case Wire64:
                Advance(8);
                break;
            case Wire32:
                Advance(4);
                break;
            default:
                ReadBytes(wireType, _buffer.Length);
                break;
        }
    }

    private void Advance(int count)
    {
        if (_buffer.Length - _position < count)
        {
            throw new InvalidMessageException("Truncated protobuf field.");
        }

        _position += count;
    }

    private static void Expect(int actual, int expected)
    {
        if (actual != expected)
        {
            throw new InvalidMessageException("Unexpected protobuf wire type.");
        }
    }
}
