using VoipKit.Fuzz;

namespace VoipKit.Transport.Tests.Stun;

/// <summary>The stun fuzz target over the RFC 5769 seeds, every truncation and seeded random mutations: it must never throw.</summary>
public class StunFuzzTargetTests
{
    [Fact]
    public void Target_runs_over_seeds_truncations_and_mutations_without_throwing()
    {
        Assert.True(FuzzTargets.All.TryGetValue("stun", out Action<ReadOnlySpan<byte>>? target));
        var random = new Random(5769);
        int runs = 0;
        foreach (byte[] seed in new[] { StunTestVectors.Request, StunTestVectors.IPv4Response, StunTestVectors.IPv6Response, StunTestVectors.LongTermRequest })
        {
            for (int n = 0; n <= seed.Length; n++)
            {
                target(seed.AsSpan(0, n));
                runs++;
            }

            for (int i = 0; i < 2000; i++)
            {
                byte[] mutated = (byte[])seed.Clone();
                int changes = random.Next(1, 4);
                for (int c = 0; c < changes; c++)
                {
                    // Mostly attribute type/length bytes and the header, where framing bugs hide.
                    int at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)(mutated[at] ^ (1 << random.Next(8))),
                        1 => (byte)random.Next(256),
                        _ => (byte)random.Next(4),
                    };
                }

                target(mutated);
                runs++;
            }
        }

        Assert.True(runs > 8000);
    }
}
