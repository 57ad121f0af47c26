using FsCheck;
using FsCheck.Fluent;
using VoipKit.Media.Rtcp;

namespace VoipKit.Media.Tests.Rtcp;

public sealed record NackModel(uint Sender, uint Media, RtcpNackItem[] Items);

public sealed record LostListModel(ushort[] Lost);

public sealed record TwccModel(uint Sender, uint Media, int ReferenceTime, byte FeedbackCount, TwccPacketReport[] Packets);

public static class FeedbackArbitraries
{
    public static Arbitrary<NackModel> Nack() =>
        (from sender in RtcpArbitraries.UInt32
         from media in RtcpArbitraries.UInt32
         from n in Gen.Choose(1, 50)
         from items in (from pid in Gen.Choose(0, 65535) from blp in Gen.Choose(0, 65535) select new RtcpNackItem((ushort)pid, (ushort)blp)).ArrayOf(n)
         select new NackModel(sender, media, items)).ToArbitrary();

    public static Arbitrary<LostListModel> LostList() =>
        (from start in Gen.Choose(0, 65535)
         from n in Gen.Choose(1, 60)
         from gaps in Gen.Choose(1, 40).ArrayOf(n)
         select new LostListModel(gaps.Select((_, i) => (ushort)(start + gaps.Take(i + 1).Sum())).ToArray())).ToArbitrary();

    public static Arbitrary<TwccModel> Twcc()
    {
        Gen<(TwccStatus, short)> one = Gen.Frequency(
            (2, Gen.Constant((TwccStatus.NotReceived, (short)0))),
            (5, Gen.Choose(0, 255).Select(d => (TwccStatus.ReceivedSmallDelta, (short)d))),
            (2, Gen.Choose(short.MinValue, short.MaxValue).Select(d => (TwccStatus.ReceivedLargeDelta, (short)d))));
        // Runs of one status, so run-length chunks (including long ones) are exercised.
        Gen<(TwccStatus, short)[]> run = from s in one from n in Gen.Frequency((6, Gen.Choose(1, 5)), (2, Gen.Choose(6, 30)), (1, Gen.Choose(8000, 9000))) select Enumerable.Repeat(s, n).ToArray();
        return (from sender in RtcpArbitraries.UInt32
                from media in RtcpArbitraries.UInt32
                from reference in Gen.Choose(-0x800000, 0x7FFFFF)
                from count in Gen.Choose(0, 255)
                from start in Gen.Choose(0, 65535)
                from n in Gen.Choose(1, 12)
                from runs in run.ArrayOf(n)
                let flat = runs.SelectMany(r => r).Take(20000).ToArray()
                select new TwccModel(sender, media, reference, (byte)count,
                    flat.Select((p, i) => new TwccPacketReport((ushort)(start + i), p.Item1, p.Item2)).ToArray())).ToArbitrary();
    }
}
