using VoipKit.Fuzz;
using VoipKit.Media.Rtcp;
using VoipKit.Media.Rtp;
using VoipKit.Media.Tests.Rtcp;
using VoipKit.Media.Tests.Rtp;

namespace VoipKit.Media.Tests.Fuzz;

public class MediaFuzzTargetTests
{
    private static IEnumerable<byte[]> RtpSeeds()
    {
        yield return RtpReceiverTests.Packet(0xAAAA, 1, 960);
        yield return new RtpModel(new RtpHeader(96, 65535, 1, 2, true), [3, 4, 5], RtpHeaderExtensionForm.OneByte, [(1, [0, 7]), (14, new byte[16])], 0, [], [1, 2, 3, 4], 7).Write();
        yield return new RtpModel(new RtpHeader(0, 0, 0, 0), [], RtpHeaderExtensionForm.TwoByte, [(255, []), (2, new byte[255])], 0, [], [], 0).Write();
        yield return new RtpModel(new RtpHeader(0, 0, 0, 0), [], RtpHeaderExtensionForm.None, [], 0x1234, [1, 2, 3, 4], [9], 1).Write();
        yield return [];
        yield return [0x80];
        yield return [0x8F, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        yield return [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF];
        yield return [0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xFF];
    }

    private static IEnumerable<byte[]> RtcpSeeds()
    {
        byte[] sr = RtcpBasicPacketTests.Write(new ReportModel(1, new RtcpSenderInfo(new NtpTimestamp(5), 6, 7, 8), [new RtcpReportBlock(2, 3, -4, 5, 6, 7, 8)]));
        byte[] rr = RtcpBasicPacketTests.Write(new ReportModel(1, null, [new RtcpReportBlock(2, 3, 4, 5, 6, 7, 8)]));
        byte[] sdes = RtcpBasicPacketTests.Write(new SdesModel([(1, [(RtcpSdesItemType.Cname, [0x61, 0x62]), (RtcpSdesItemType.Tool, [0x63])]), (2, [])]));
        byte[] bye = RtcpBasicPacketTests.Write(new ByeModel([1, 2], [0x62, 0x79, 0x65]));
        byte[] nack = RtcpFeedbackTests.Write(new NackModel(1, 2, [new RtcpNackItem(100, 0xFFFF)]));
        byte[] twcc = RtcpFeedbackTests.Write(new TwccModel(1, 2, -5, 9,
        [
            new(10, TwccStatus.ReceivedSmallDelta, 4), new(11, TwccStatus.NotReceived, 0), new(12, TwccStatus.ReceivedLargeDelta, -300),
        ]));
        yield return [.. sr, .. rr, .. sdes, .. bye];
        yield return [.. rr, .. nack, .. twcc];
        yield return nack;
        yield return twcc;
        yield return [];
        yield return [0x80, 201, 0xFF, 0xFF];
        yield return [0x9F, 201, 0, 1, 0, 0, 0, 1];
        yield return [0x8F, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0x3F, 0xFF, 0, 0];
    }

    // As in tests/Fuzz/corpus/telephone-event: an update, an end, two packed events; and a reserved bit, short inputs.
    private static IEnumerable<byte[]> TelephoneEventSeeds()
    {
        yield return [0x09, 0x07, 0x01, 0x90];
        yield return [0x0B, 0x8A, 0x12, 0xC0];
        yield return [0x01, 0x0A, 0x00, 0xA0, 0x02, 0x8A, 0x01, 0x40];
        yield return [0xFF, 0xFF, 0xFF, 0xFF];
        yield return [0x10, 0x40, 0x00, 0x00];
        yield return [];
        yield return [0x01, 0x8A, 0x00];
    }

    public static TheoryData<string> Targets => ["rtp", "rtcp", "telephone-event"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_runs_over_seeds_truncations_and_mutations_without_throwing(string name)
    {
        Assert.True(FuzzTargets.All.TryGetValue(name, out Action<ReadOnlySpan<byte>>? target));
        var random = new Random(7);
        int runs = 0;
        foreach (byte[] seed in name switch { "rtp" => RtpSeeds(), "rtcp" => RtcpSeeds(), _ => TelephoneEventSeeds() })
        {
            for (int n = 0; n <= seed.Length; n++)
            {
                target(seed.AsSpan(0, n));
                runs++;
            }

            for (int i = 0; i < 200 && seed.Length > 0; i++)
            {
                byte[] mutated = (byte[])seed.Clone();
                mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                target(mutated);
                runs++;
            }
        }

        Assert.True(runs > 100);
    }
}
