using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>Random messages round trip through the writer and reader; damaged messages never throw and never verify.</summary>
public class StunPropertyTests
{
    public enum Kind
    {
        Raw,
        Number32,
        Number64,
        Address,
        XorAddress,
        ErrorCode,
        Text,
        Unknown,
    }

    public sealed record Attr(Kind Kind, ushort Type, byte[] Bytes, ulong Number, IPEndPoint EndPoint, int Code, string Text, ushort[] Types);

    public sealed record Spec(ushort Method, StunClass Class, byte[] TransactionId, Attr[] Attributes, byte[]? Key, int Sha256Length, bool Fingerprint);

    private const string TextChars = "abcXYZ019 :/+=@\u00e9\u00df\u4e2d\u30de";

    private static readonly ushort[] Reserved =
        [StunAttributeType.MessageIntegrity, StunAttributeType.MessageIntegritySha256, StunAttributeType.Fingerprint];

    private static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    private static Gen<IPEndPoint> EndPoints() =>
        from v6 in Gen.Elements(false, true)
        from address in Bytes(v6 ? 16 : 4, v6 ? 16 : 4)
        from port in Gen.Choose(0, 65535)
        select new IPEndPoint(new IPAddress(address), port);

    private static Gen<Attr> Attributes() =>
        from kind in Gen.Elements(Enum.GetValues<Kind>())
        from type in Gen.Choose(0, 0xFFFF).Select(t => (ushort)t).Where(t => !Reserved.Contains(t))
        from bytes in Bytes(0, 40)
        from number in Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2)
        from endPoint in EndPoints()
        from code in Gen.Choose(300, 699)
        from text in Gen.Choose(0, 20).SelectMany(n => Gen.ArrayOf(Gen.Elements(TextChars.ToCharArray()), n)).Select(c => new string(c))
        from types in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 0xFFFF).Select(t => (ushort)t), n))
        select new Attr(kind, type, bytes, kind == Kind.Number32 ? (uint)number : number, endPoint, code, text, types);

    private static Gen<Spec> Specs() =>
        from method in Gen.Choose(0, 0xFFF)
        from cls in Gen.Elements(Enum.GetValues<StunClass>())
        from tid in Bytes(12, 12)
        from attributes in Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(Attributes(), n))
        from key in Gen.OneOf(Gen.Constant<byte[]?>(null), Bytes(1, 40).Select(k => (byte[]?)k))
        from sha256 in Gen.Elements(0, 16, 20, 24, 28, 32)
        from fingerprint in Gen.Elements(false, true)
        select new Spec((ushort)method, cls, tid, attributes, key, sha256, fingerprint);

    internal static byte[] Write(Spec s)
    {
        var buffer = new byte[2048];
        var w = new StunMessageWriter(buffer, new StunMessageType(s.Method, s.Class), s.TransactionId);
        foreach (Attr a in s.Attributes)
        {
            _ = a.Kind switch
            {
                Kind.Raw => w.AddAttribute(a.Type, a.Bytes),
                Kind.Number32 => w.AddUInt32(a.Type, (uint)a.Number),
                Kind.Number64 => w.AddUInt64(a.Type, a.Number),
                Kind.Address => w.AddAddress(a.Type, StunEndPoint.FromIPEndPoint(a.EndPoint)),
                Kind.XorAddress => w.AddXorAddress(a.Type, StunEndPoint.FromIPEndPoint(a.EndPoint)),
                Kind.ErrorCode => w.AddErrorCode(a.Code, a.Text),
                Kind.Text => w.AddString(a.Type, a.Text),
                _ => w.AddUnknownAttributes(a.Types),
            };
        }

        if (s.Key is not null)
        {
            w.AddMessageIntegrity(s.Key);
            if (s.Sha256Length > 0)
            {
                w.AddMessageIntegritySha256(s.Key, s.Sha256Length);
            }
        }

        if (s.Fingerprint)
        {
            w.AddFingerprint();
        }

        Assert.True(w.TryComplete(out int length));
        return buffer[..length];
    }

    private static bool ReadsBack(Attr a, StunAttribute read, ReadOnlySpan<byte> transactionId)
    {
        ReadOnlySpan<byte> v = read.Value;
        StunEndPoint endPoint;
        switch (a.Kind)
        {
            case Kind.Raw:
                return v.SequenceEqual(a.Bytes);
            case Kind.Number32:
                return v.Length == 4 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(v) == (uint)a.Number;
            case Kind.Number64:
                return v.Length == 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(v) == a.Number;
            case Kind.Address:
                return StunAttributeReader.TryReadAddress(v, out endPoint) && endPoint.ToIPEndPoint().Equals(a.EndPoint);
            case Kind.XorAddress:
                return StunAttributeReader.TryReadXorAddress(v, transactionId, out endPoint) && endPoint.ToIPEndPoint().Equals(a.EndPoint);
            case Kind.ErrorCode:
                return StunAttributeReader.TryReadErrorCode(v, out int code, out ReadOnlySpan<byte> reason)
                    && code == a.Code && System.Text.Encoding.UTF8.GetString(reason) == a.Text;
            case Kind.Text:
                return System.Text.Encoding.UTF8.GetString(v) == a.Text;
            default:
                var types = new ushort[8];
                int n = StunAttributeReader.ReadUnknownAttributes(v, types);
                return n == a.Types.Length && types.AsSpan(0, n).SequenceEqual(a.Types);
        }
    }

    [Property(MaxTest = 300)]
    public Property Written_messages_read_back_equal() => Prop.ForAll(Specs().ToArbitrary(), s =>
    {
        byte[] wire = Write(s);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(wire, out StunMessage m));
        Assert.Equal(wire[0] < 4, StunMessage.IsStun(wire)); // RFC 7983 demux: only types below 0x0400 look like STUN
        Assert.Equal(new StunMessageType(s.Method, s.Class), m.Type);
        Assert.Equal(s.TransactionId, m.TransactionId.ToArray());
        int i = 0;
        foreach (StunAttribute read in m.GetAttributes())
        {
            if (i < s.Attributes.Length)
            {
                Attr a = s.Attributes[i];
                ushort type = a.Kind switch { Kind.ErrorCode => StunAttributeType.ErrorCode, Kind.Unknown => StunAttributeType.UnknownAttributes, _ => a.Type };
                Assert.Equal(type, read.Type);
                Assert.True(ReadsBack(s.Attributes[i], read, m.TransactionId), $"attribute {i} ({s.Attributes[i].Kind})");
            }

            i++;
        }

        int expected = s.Attributes.Length + (s.Key is null ? 0 : 1 + (s.Sha256Length > 0 ? 1 : 0)) + (s.Fingerprint ? 1 : 0);
        Assert.Equal(expected, i);
        Assert.Equal(s.Fingerprint, StunIntegrity.VerifyFingerprint(m));
        Assert.Equal(s.Key is not null, StunIntegrity.VerifyMessageIntegrity(m, s.Key ?? []));
        Assert.Equal(s.Key is not null && s.Sha256Length > 0, StunIntegrity.VerifyMessageIntegritySha256(m, s.Key ?? []));
        return true;
    });

    [Property(MaxTest = 300)]
    public Property Truncated_messages_never_parse() => Prop.ForAll(Specs().ToArbitrary(), Gen.Choose(0, 10_000).ToArbitrary(), (s, cut) =>
    {
        byte[] wire = Write(s);
        int length = cut % wire.Length;
        return StunMessage.TryParse(wire.AsSpan(0, length), out _) != StunParseResult.Ok;
    });

    [Property(MaxTest = 500)]
    public Property Flipped_bits_never_throw_and_never_verify() =>
        Prop.ForAll(Specs().Where(s => s.Key is not null && s.Fingerprint).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (s, where) =>
        {
            byte[] wire = Write(s);
            StunMessage.TryParse(wire, out StunMessage original);
            int integrityEnd = original.IntegrityOffset + 24;
            int position = where % wire.Length;
            wire[position] ^= (byte)(1 << (where % 8));
            if (StunMessage.TryParse(wire, out StunMessage m) != StunParseResult.Ok)
            {
                return true;
            }

            StunFuzzProbe.TouchEverything(m);
            bool integrity = StunIntegrity.VerifyMessageIntegrity(m, s.Key!);
            bool fingerprint = StunIntegrity.VerifyFingerprint(m);

            // A flip in what MESSAGE-INTEGRITY covers breaks it; any flip breaks the CRC.
            return !(integrity && fingerprint) && (!integrity || position >= integrityEnd);
        });

    [Property(MaxTest = 500)]
    public Property Random_bytes_after_a_valid_header_never_throw() => Prop.ForAll(Bytes(0, 30).ToArbitrary(), Bytes(12, 12).ToArbitrary(), (body, tid) =>
    {
        byte[] wire = new byte[20 + (body.Length & ~3)];
        new StunMessageWriter(wire, StunMessageType.BindingSuccess, tid).TryComplete(out _);
        body.AsSpan(0, body.Length & ~3).CopyTo(wire.AsSpan(20));
        wire[3] = (byte)(body.Length & ~3);
        if (StunMessage.TryParse(wire, out StunMessage m) == StunParseResult.Ok)
        {
            StunFuzzProbe.TouchEverything(m);
        }

        return true;
    });
}
