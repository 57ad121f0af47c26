using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

/// <summary>Random mutations (flips, insertions, deletions, truncations) of valid inputs only ever produce typed errors.</summary>
public class RobustnessTests
{
    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(4))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)random.Next(1, 256);
                    break;
                case 1:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                default:
                    int keep = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
            }
        }

        return [.. bytes];
    }

    private static void OnlyTypedErrors(Action action)
    {
        try
        {
            action();
        }
        catch (SignalProtocolException)
        {
            // Typed rejection: fine.
        }
    }

    [Fact]
    public void Mutated_messages_bundles_and_records_give_only_typed_errors()
    {
        var random = new Random(20261125);
        var alice = new Party("alice");
        var bob = new Party("bob");
        alice.StartSessionWith(bob);
        byte[] preKeyMessage = alice.CipherFor(bob).Encrypt("first"u8).Serialized.ToArray();
        (Party a, Party b) = Party.Established();
        byte[] normalMessage = a.CipherFor(b).Encrypt("normal"u8).Serialized.ToArray();
        byte[] bundle = bob.Bundle(3).Serialize();
        byte[] record = a.Store.RawSession(b.Address)!;
        byte[] bobRecordBefore = b.Store.RawSession(a.Address)!;

        for (int i = 0; i < 400; i++)
        {
            byte[] m1 = Mutate(random, preKeyMessage);
            byte[] m2 = Mutate(random, normalMessage);
            OnlyTypedErrors(() => PreKeySignalMessage.Parse(m1));
            OnlyTypedErrors(() => SignalMessage.Parse(m2));
            OnlyTypedErrors(() => PreKeyBundle.Parse(Mutate(random, bundle)));
            OnlyTypedErrors(() => SessionRecord.Deserialize(Mutate(random, record)));
            if (!m2.AsSpan().SequenceEqual(normalMessage))
            {
                OnlyTypedErrors(() => b.CipherFor(a).Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, m2)));
            }
        }

        Assert.Equal(bobRecordBefore, b.Store.RawSession(a.Address));
        Assert.Equal("normal"u8.ToArray(), b.CipherFor(a).Decrypt(new CiphertextMessage(CiphertextMessageType.SignalMessage, normalMessage)));
    }
}
