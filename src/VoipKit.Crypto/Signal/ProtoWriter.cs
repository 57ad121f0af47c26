using System.Buffers;

namespace VoipKit.Crypto.Signal;

/// <summary>
/// Minimal protobuf encoder (varint and length-delimited fields only), enough for the Signal
/// wire messages and our own state records. Fields are written in the order they are added.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public ProtoWriter(int initialCapacity = 128)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void WriteUInt32(int field, uint value) => WriteUInt64(field, value);

    public void WriteUInt64(int field, ulong value)
    {
        WriteTag(field, ProtoReader.WireVarint);
        WriteVarint(value);
    }

    public void WriteBool(int field, bool value) => WriteUInt64(field, value ? 1UL : 0UL);

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, ProtoReader.WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void WriteMessage(int field, ProtoWriter nested) => WriteBytes(field, nested.WrittenSpan);

    public void WriteRaw(ReadOnlySpan<byte> raw)
    {
        raw.CopyTo(_buffer.GetSpan(raw.Length));
        _buffer.Advance(raw.Length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Overwrites the written bytes with zeros (the buffer may hold secrets).</summary>
    public void Clear() => _buffer.Clear();

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
