using FsCheck;
using FsCheck.Fluent;
using VoipKit.Media.Rtp;

namespace VoipKit.Media.Tests.Rtp;

/// <summary>A heap model of an RTP packet for round-trip properties.</summary>
public sealed record RtpModel(
    RtpHeader Header,
    uint[] Csrcs,
    RtpHeaderExtensionForm Form,
    (byte Id, byte[] Value)[] Elements,
    ushort RawProfile,
    byte[] RawExtension,
    byte[] Payload,
    int Padding)
{
    public byte[] Write()
    {
        var buffer = new byte[1500];
        Assert.True(RtpPacketWriter.TryCreate(buffer, Header, Csrcs, out RtpPacketWriter w, Form == RtpHeaderExtensionForm.None ? RtpHeaderExtensionForm.OneByte : Form));
        if (Form == RtpHeaderExtensionForm.None && RawExtension.Length > 0)
        {
            Assert.True(w.TryWriteRawExtension(RawProfile, RawExtension));
        }

        foreach ((byte id, byte[] value) in Elements)
        {
            Assert.True(w.TryAddExtension(id, value));
        }

        Assert.True(w.TryWritePayload(Payload));
        Assert.True(w.TryComplete(Padding, out int length));
        return buffer[..length];
    }

    public bool Matches(RtpPacket p)
    {
        if (p.Header != Header || p.CsrcCount != Csrcs.Length || !p.Payload.SequenceEqual(Payload) || p.PaddingLength != Padding)
        {
            return false;
        }

        for (int i = 0; i < Csrcs.Length; i++)
        {
            if (p.GetCsrc(i) != Csrcs[i])
            {
                return false;
            }
        }

        if (Form == RtpHeaderExtensionForm.None)
        {
            return RawExtension.Length == 0
                ? !p.HasExtension
                : p.HasExtension && p.ExtensionProfile == RawProfile && p.ExtensionData.SequenceEqual(RawExtension);
        }

        if (Elements.Length == 0)
        {
            return !p.HasExtension;
        }

        if (p.ExtensionForm != Form)
        {
            return false;
        }

        int index = 0;
        foreach (RtpHeaderExtension e in p.GetExtensions())
        {
            if (index >= Elements.Length || e.Id != Elements[index].Id || !e.Value.SequenceEqual(Elements[index].Value))
            {
                return false;
            }

            index++;
        }

        return index == Elements.Length;
    }
}

public static class RtpArbitraries
{
    private static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n));

    public static Arbitrary<RtpModel> RtpModel()
    {
        Gen<RtpHeader> header =
            from pt in Gen.Choose(0, 127)
            from seq in Gen.Choose(0, 65535)
            from ts in Gen.Choose(int.MinValue, int.MaxValue)
            from ssrc in Gen.Choose(int.MinValue, int.MaxValue)
            from marker in Gen.Elements(true, false)
            select new RtpHeader((byte)pt, (ushort)seq, unchecked((uint)ts), unchecked((uint)ssrc), marker);
        Gen<uint[]> csrcs = Gen.Choose(0, 15).SelectMany(n => Gen.Choose(int.MinValue, int.MaxValue).Select(x => unchecked((uint)x)).ArrayOf(n));
        Gen<(byte, byte[])> oneByte = from id in Gen.Choose(1, 14) from v in Bytes(1, 16) select ((byte)id, v);
        Gen<(byte, byte[])> twoByte = from id in Gen.Choose(1, 255) from v in Bytes(0, 40) select ((byte)id, v);
        Gen<RtpModel> model =
            from h in header
            from c in csrcs
            from form in Gen.Elements(RtpHeaderExtensionForm.None, RtpHeaderExtensionForm.OneByte, RtpHeaderExtensionForm.TwoByte)
            from n in Gen.Choose(0, 6)
            from elements in form switch
            {
                RtpHeaderExtensionForm.OneByte => oneByte.ArrayOf(n),
                RtpHeaderExtensionForm.TwoByte => twoByte.ArrayOf(n),
                _ => Gen.Constant(Array.Empty<(byte, byte[])>()),
            }
            from rawProfile in Gen.Choose(0x2000, 0x3000)
            from rawWords in Gen.Choose(0, 4)
            from raw in Bytes(4 * rawWords, 4 * rawWords)
            from payload in Bytes(0, 200)
            from padding in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 255)))
            select new RtpModel(h, c, form, elements, (ushort)rawProfile, form == RtpHeaderExtensionForm.None ? raw : [], payload, padding);
        return model.ToArbitrary();
    }
}
