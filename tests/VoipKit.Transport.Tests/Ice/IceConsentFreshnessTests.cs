using VoipKit.Transport.Ice;

namespace VoipKit.Transport.Tests.Ice;

/// <summary>The RFC 7675 timing on its own.</summary>
public sealed class IceConsentFreshnessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Intervals_are_uniform_between_4_and_6_s()
    {
        var consent = new IceConsentFreshness(new IceAgentOptions());
        var samples = Enumerable.Range(0, 4000).Select(_ => consent.NextInterval().TotalSeconds).ToList();
        Assert.All(samples, s => Assert.InRange(s, 4.0, 6.0));
        Assert.True(samples.Min() < 4.05 && samples.Max() > 5.95);
        Assert.InRange(samples.Average(), 4.9, 5.1);
    }

    [Fact]
    public void Stale_after_10_s_expired_after_30_s_fresh_again_on_success()
    {
        var consent = new IceConsentFreshness(new IceAgentOptions());
        consent.Start(T0);
        Assert.False(consent.TakeDue(T0.AddSeconds(3.99)));
        Assert.True(consent.TakeDue(T0.AddSeconds(6)));
        Assert.False(consent.TakeDue(T0.AddSeconds(6)));
        Assert.False(consent.IsStale(T0.AddSeconds(9.99)));
        Assert.True(consent.IsStale(T0.AddSeconds(10)));
        Assert.False(consent.IsExpired(T0.AddSeconds(29.99)));
        Assert.True(consent.IsExpired(T0.AddSeconds(30)));
        consent.OnSuccess(T0.AddSeconds(29));
        Assert.False(consent.IsStale(T0.AddSeconds(30)));
    }
}
