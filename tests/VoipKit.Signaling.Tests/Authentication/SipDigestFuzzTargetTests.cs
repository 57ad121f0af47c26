using System.Text;
using VoipKit.Fuzz;

namespace VoipKit.Signaling.Tests.Authentication;

/// <summary>The digest fuzz target over its seeds, every truncation and seeded random mutations: it must never throw.</summary>
public class SipDigestFuzzTargetTests
{
    private static readonly string[] Seeds =
    [
        "Digest realm=\"voipkit.test\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\"",
        "Digest realm=\"a\", nonce=\"b\", algorithm=MD5-sess, qop=\"auth,auth-int\", opaque=\"o\", stale=TRUE, domain=\"sip:x\"",
        "Digest username=\"alice\", realm=\"voipkit.test\", nonce=\"abc\", uri=\"sip:voipkit.test\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"x\"",
        "Digest username=\"al\\\"ice\", realm=\"\", nonce=\"\", uri=\"\", response=\"\", nc=zzzzzzzz, cnonce=\"\"",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "Digest realm=\"r\", realm=\"again\", nonce=\"n\"",
        "Digest ,,, realm=\"r\",nonce=n,algorithm=SHA-512-256",
        string.Empty,
    ];

    [Fact]
    public void Target_runs_over_seeds_truncations_and_mutations_without_throwing()
    {
        Assert.True(FuzzTargets.All.TryGetValue("digest", out Action<ReadOnlySpan<byte>>? target));
        var random = new Random(11);
        int runs = 0;
        foreach (string seed in Seeds)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(seed);
            for (int n = 0; n <= bytes.Length; n++)
            {
                target(bytes.AsSpan(0, n));
                runs++;
            }

            for (int i = 0; i < 300; i++)
            {
                byte[] mutated = (byte[])bytes.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips && mutated.Length > 0; f++)
                {
                    mutated[random.Next(mutated.Length)] = (byte)" \",=\\aZ0\u00e9"[random.Next(9)];
                }

                target(mutated);
                runs++;
            }
        }

        Assert.True(runs > 2000);
    }
}
