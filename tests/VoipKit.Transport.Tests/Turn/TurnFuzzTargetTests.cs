using VoipKit.Fuzz;

namespace VoipKit.Transport.Tests.Turn;

/// <summary>The turn fuzz target over its seeds (as in tests/Fuzz/corpus/turn), every truncation and seeded mutations: it must never throw.</summary>
public class TurnFuzzTargetTests
{
    private static readonly byte[][] Seeds =
    [
        [0x40, 0x00, 0x00, 0x05, .. "hello"u8],
        [0x4F, 0xFF, 0x00, 0x03, .. "abc"u8, 0x00],
        Convert.FromHexString("001700142112a442000102030405060708090a0b00120008000136625e12a4430013000470696e67"),
    ];

    [Fact]
    public void Target_runs_over_seeds_truncations_and_mutations_without_throwing()
    {
        Assert.True(FuzzTargets.All.TryGetValue("turn", out Action<ReadOnlySpan<byte>>? target));
        var random = new Random(8656);
        int runs = 0;
        foreach (byte[] seed in Seeds)
        {
            for (int n = 0; n <= seed.Length; n++)
            {
                target(seed.AsSpan(0, n));
                runs++;
            }

            for (int i = 0; i < 3000; i++)
            {
                byte[] mutated = (byte[])seed.Clone();
                if (random.Next(4) == 0)
                {
                    Array.Resize(ref mutated, mutated.Length + random.Next(1, 6));
                }

                for (int c = random.Next(1, 4); c > 0; c--)
                {
                    int at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)(mutated[at] ^ (1 << random.Next(8))),
                        1 => (byte)random.Next(256),
                        _ => (byte)(0x40 + random.Next(16)),
                    };
                }

                target(mutated);
                runs++;
            }
        }

        Assert.True(runs > 9000);
    }
}
