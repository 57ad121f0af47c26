using VoipKit.Signaling.Sdp;

namespace VoipKit.Signaling.Tests.Sdp;

/// <summary>The fuzz seeds of <c>tests/Fuzz/corpus/sdp</c> must parse, and serialize to a fixed point (what SdpTarget checks).</summary>
public class SdpSeedCorpusTests
{
    public static TheoryData<string> Seeds() => [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", "sdp"), "*.sdp").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Seed_parses_and_serializes_to_a_fixed_point(string file)
    {
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "sdp", file));
        var once = SessionDescription.Parse(data).ToUtf8Bytes();
        Assert.Equal(once, SessionDescription.Parse(once).ToUtf8Bytes());
    }

    [Fact]
    public void Corpus_is_present() => Assert.True(Seeds().Count >= 7);
}
