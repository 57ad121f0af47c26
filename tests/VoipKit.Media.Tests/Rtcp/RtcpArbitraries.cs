using FsCheck;
using FsCheck.Fluent;
using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public sealed record SdesModel((uint Ssrc, (RtcpSdesItemType Type, byte[] Value)[] Items)[] Chunks);

public sealed record ByeModel(uint[] Sources, byte[] Reason);

public sealed record ReportModel(uint Ssrc, RtcpSenderInfo? SenderInfo, RtcpReportBlock[] Blocks);

public static class RtcpArbitraries
{
    internal static Gen<uint> UInt32 => Gen.Choose(int.MinValue, int.MaxValue).Select(x => unchecked((uint)x));

    internal static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n));

    internal static Gen<RtcpReportBlock> Block =>
        from ssrc in UInt32
        from fraction in Gen.Choose(0, 255)
        from lost in Gen.Choose(RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost)
        from ext in UInt32
        from jitter in UInt32
        from lsr in UInt32
        from dlsr in UInt32
        select new RtcpReportBlock(ssrc, (byte)fraction, lost, ext, jitter, lsr, dlsr);

    internal static Gen<RtcpSenderInfo> SenderInfo =>
        from hi in UInt32
        from lo in UInt32
        from rtp in UInt32
        from packets in UInt32
        from octets in UInt32
        select new RtcpSenderInfo(new NtpTimestamp(((ulong)hi << 32) | lo), rtp, packets, octets);

    public static Arbitrary<ReportModel> Report() =>
        (from ssrc in UInt32
         from isSender in Gen.Elements(true, false)
         from info in SenderInfo
         from n in Gen.Choose(0, 31)
         from blocks in Block.ArrayOf(n)
         select new ReportModel(ssrc, isSender ? info : null, blocks)).ToArbitrary();

    public static Arbitrary<SdesModel> Sdes()
    {
        Gen<(RtcpSdesItemType, byte[])> item =
            from type in Gen.Choose(1, 20)
            from value in Bytes(0, 40)
            select ((RtcpSdesItemType)type, value);
        Gen<(uint, (RtcpSdesItemType, byte[])[])> chunk =
            from ssrc in UInt32
            from n in Gen.Choose(0, 5)
            from items in item.ArrayOf(n)
            select (ssrc, items);
        return Gen.Choose(0, 31).SelectMany(n => chunk.ArrayOf(n)).Select(c => new SdesModel(c)).ToArbitrary();
    }

    public static Arbitrary<ByeModel> Bye() =>
        (from n in Gen.Choose(0, 31)
         from sources in UInt32.ArrayOf(n)
         from reason in Gen.Frequency((1, Gen.Constant(Array.Empty<byte>())), (2, Bytes(1, 255)))
         select new ByeModel(sources, reason)).ToArbitrary();
}
