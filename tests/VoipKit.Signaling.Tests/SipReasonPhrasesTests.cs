namespace VoipKit.Signaling.Tests;

public class SipReasonPhrasesTests
{
    [Theory]
    [InlineData(180, "Ringing")]
    [InlineData(200, "OK")]
    [InlineData(401, "Unauthorized")]
    [InlineData(486, "Busy Here")]
    [InlineData(487, "Request Terminated")]
    [InlineData(603, "Decline")]
    [InlineData(499, "Client Error")]
    public void Phrases_are_the_standard_ones(int code, string phrase) => Assert.Equal(phrase, SipReasonPhrases.Get(code));

    [Theory]
    [InlineData(99)]
    [InlineData(700)]
    public void Codes_outside_the_range_are_rejected(int code) => Assert.Throws<ArgumentOutOfRangeException>(() => SipReasonPhrases.Get(code));
}
