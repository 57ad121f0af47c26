using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

public class SdpRoundTripProperties
{
    [Property(MaxTest = 200)]
    public Property Parse_of_serialize_gives_back_the_description() =>
        Prop.ForAll(SdpGenerators.Session.ToArbitrary(), sdp =>
        {
            var bytes = sdp.ToUtf8Bytes();
            var back = SessionDescription.Parse(bytes);
            SdpAssert.Equivalent(sdp, back);
            Assert.Equal(bytes, back.ToUtf8Bytes());
        });

    [Property(MaxTest = 200)]
    public Property Candidates_round_trip_as_trickled_text() =>
        Prop.ForAll(SdpGenerators.Candidate.ToArbitrary(), c =>
        {
            var back = IceCandidate.Parse(c.ToString());
            Assert.Equal(c.ToString(), back.ToString());
            Assert.Equal(c with { Extensions = back.Extensions }, back);
        });

    [Property(MaxTest = 300)]
    public Property Mutated_samples_never_fail_untyped() =>
        Prop.ForAll(Gen.Choose(0, 2).ToArbitrary(), Gen.Choose(0, 10_000).ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), (sample, position, value) =>
        {
            var text = new[] { SampleSdps.SdesTwoSuitesOffer, SampleSdps.WebRtcOffer, SampleSdps.PbxPcmuOffer }[sample];
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            bytes[position % bytes.Length] = (byte)value;
            if (SessionDescription.TryParse(bytes, out var sdp, out _))
            {
                var once = sdp.ToUtf8Bytes();
                Assert.Equal(once, SessionDescription.Parse(once).ToUtf8Bytes());
            }
        });
}
