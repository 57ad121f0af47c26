using VoipKit.Media.Quality;

namespace VoipKit.Media.Tests.Quality;

public class EModelTests
{
    [Fact]
    public void Unimpaired_call_has_the_default_rating()
    {
        double r = EModel.RFactor(TimeSpan.FromMilliseconds(50), 0, 1, 0, EModel.OpusPacketLossRobustness);
        Assert.Equal(93.2, r, 6);
        // G.107: MOS = 1 + 0.035R + R(R-60)(100-R)7e-6 = 4.409 at R = 93.2.
        Assert.Equal(4.409, EModel.Mos(r), 3);
    }

    [Fact]
    public void Delay_impairment_follows_G107()
    {
        Assert.Equal(0, EModel.DelayImpairment(TimeSpan.FromMilliseconds(100)));
        // X = log2(200/100) = 1: Idd = 25 * ((2)^(1/6) - 3 * (1 + 3^-6)^(1/6) + 2) = 3.044.
        Assert.Equal(3.044, EModel.DelayImpairment(TimeSpan.FromMilliseconds(200)), 2);
        Assert.True(EModel.DelayImpairment(TimeSpan.FromMilliseconds(400)) > 10);
    }

    [Fact]
    public void Loss_reduces_the_rating_and_bursts_hurt_more()
    {
        double ie = EModel.OpusEquipmentImpairment(24_000);
        Assert.Equal(6, ie);
        double clean = EModel.RFactor(TimeSpan.FromMilliseconds(80), 0, 1, ie, 20);
        double random5 = EModel.RFactor(TimeSpan.FromMilliseconds(80), 0.05, 1, ie, 20);
        double burst5 = EModel.RFactor(TimeSpan.FromMilliseconds(80), 0.05, 3, ie, 20);
        // Ie_eff = 6 + 89 * 5 / (5 + 20) = 23.8
        Assert.Equal(93.2 - 23.8, random5, 6);
        Assert.True(clean > random5 && random5 > burst5);
        Assert.InRange(EModel.Mos(random5), 3.4, 3.7);
    }

    [Fact]
    public void Mos_and_ie_stay_in_range()
    {
        Assert.Equal(1, EModel.Mos(-5));
        Assert.Equal(4.5, EModel.Mos(120));
        Assert.Equal(30, EModel.OpusEquipmentImpairment(4_000));
        Assert.Equal(2, EModel.OpusEquipmentImpairment(128_000));
        Assert.Equal(12.5, EModel.OpusEquipmentImpairment(14_000), 6);
        Assert.Equal(2, EModel.BurstRatio(0.1, 0.4));
        Assert.Throws<ArgumentOutOfRangeException>(() => EModel.RFactor(TimeSpan.Zero, 1.5, 1, 0, 20));
    }
}
