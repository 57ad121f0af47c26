using VoipKit.Media.Adaptation;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Tests;

public class OpusSdpMappingTests
{
    [Fact]
    public void Defaults_follow_rfc_7587()
    {
        var (encoder, bitrate) = OpusSdpMapping.ForRemote(new OpusParameters(), ptime: null, maxPtime: null);
        Assert.Equal(20, encoder.FrameMilliseconds);
        Assert.False(encoder.UseDtx);
        Assert.False(bitrate.AllowInbandFec); // useinbandfec absent = 0
        Assert.Equal(64_000, bitrate.MaxBitrate);
    }

    [Fact]
    public void Peer_limits_are_respected()
    {
        var remote = new OpusParameters { MaxAverageBitrate = 20_000, UseInbandFec = true, UseDtx = true };
        var (encoder, bitrate) = OpusSdpMapping.ForRemote(remote, ptime: 40, maxPtime: 60);
        Assert.Equal(40, encoder.FrameMilliseconds);
        Assert.True(encoder.UseDtx);
        Assert.True(bitrate.AllowInbandFec);
        Assert.Equal(20_000, bitrate.MaxBitrate);
        Assert.Equal(20_000, encoder.Bitrate);

        // The controller then never goes above the ceiling or below the peer's ptime.
        var controller = new BitrateController(bitrate);
        for (int s = 1; s <= 30; s++)
        {
            controller.OnReceiverReport(TimeSpan.FromSeconds(s), 0);
        }

        Assert.True(controller.Current.Bitrate <= 20_000);
        Assert.Equal(40, controller.Current.FrameMilliseconds);
    }

    [Fact]
    public void Odd_ptimes_map_to_standard_frames()
    {
        Assert.Equal(10, OpusSdpMapping.ForRemote(new OpusParameters(), 5, null).Encoder.FrameMilliseconds);
        Assert.Equal(20, OpusSdpMapping.ForRemote(new OpusParameters(), 30, null).Encoder.FrameMilliseconds);
        Assert.Equal(40, OpusSdpMapping.ForRemote(new OpusParameters(), 60, 40).Encoder.FrameMilliseconds);
        Assert.Equal(6_000, OpusSdpMapping.ForRemote(new OpusParameters { MaxAverageBitrate = 100 }, null, null).Bitrate.MaxBitrate);
    }
}
