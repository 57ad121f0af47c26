using System.Text;
using FsCheck.Xunit;
using VoipKit.Crypto.Signal;

namespace VoipKit.Crypto.Tests.Signal;

public class PropertyTests
{
    /// <summary>
    /// Any interleaving of sends by A and B, with deliveries reordered and some messages lost,
    /// decrypts every delivered message exactly once (a second delivery is a duplicate). The
    /// script is cut into rounds of at most 8 steps after which everything pending is delivered
    /// or dropped, which keeps every message within libsignal's bounds (5 receiver chains).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Any_interleaving_with_reordering_and_loss_decrypts_each_delivered_message_once(byte[] script)
    {
        (Party alice, Party bob) = Party.Established();
        SessionCipher a = alice.CipherFor(bob);
        SessionCipher b = bob.CipherFor(alice);
        var toBob = new List<(CiphertextMessage Message, string Text)>();
        var toAlice = new List<(CiphertextMessage Message, string Text)>();
        var delivered = new List<(SessionCipher Receiver, CiphertextMessage Message)>();
        int sent = 0;

        void Deliver(List<(CiphertextMessage Message, string Text)> pending, SessionCipher receiver, int index)
        {
            (CiphertextMessage message, string text) = pending[index];
            pending.RemoveAt(index);
            string got = Encoding.UTF8.GetString(receiver.Decrypt(message));
            if (got != text)
            {
                throw new InvalidOperationException($"Expected {text}, got {got}.");
            }

            delivered.Add((receiver, message));
        }

        void EndRound(int seed)
        {
            CheckDuplicates();
            // Deliver what is left in a scrambled order, dropping every third one.
            int k = seed;
            while (toBob.Count + toAlice.Count > 0)
            {
                k = (k * 31) + 7;
                bool pickBob = toAlice.Count == 0 || (toBob.Count > 0 && (k & 1) == 0);
                List<(CiphertextMessage, string)> list = pickBob ? toBob : toAlice;
                int index = (int)((uint)k % (uint)list.Count);
                if (k % 3 == 0)
                {
                    list.RemoveAt(index);
                }
                else
                {
                    Deliver(list, pickBob ? b : a, index);
                }
            }

            CheckDuplicates();
        }

        void CheckDuplicates()
        {
            // Within a round every chain is still kept, so a second delivery must be a duplicate.
            foreach ((SessionCipher receiver, CiphertextMessage message) in delivered)
            {
                try
                {
                    receiver.Decrypt(message);
                    throw new InvalidOperationException("A message decrypted twice.");
                }
                catch (DuplicateMessageException)
                {
                    // Expected.
                }
            }

            delivered.Clear();
        }

        int step = 0;
        foreach (byte op in script ?? [])
        {
            switch (op % 5)
            {
                case 0:
                    toBob.Add((a.Encrypt(Encoding.UTF8.GetBytes($"A{sent}")), $"A{sent}"));
                    sent++;
                    break;
                case 1:
                    toAlice.Add((b.Encrypt(Encoding.UTF8.GetBytes($"B{sent}")), $"B{sent}"));
                    sent++;
                    break;
                case 2 when toBob.Count > 0:
                    Deliver(toBob, b, (op / 5) % toBob.Count);
                    break;
                case 3 when toAlice.Count > 0:
                    Deliver(toAlice, a, (op / 5) % toAlice.Count);
                    break;
                case 4 when toBob.Count + toAlice.Count > 0:
                    (toBob.Count > 0 ? toBob : toAlice).RemoveAt(0);
                    break;
                default:
                    break;
            }

            if (++step % 8 == 0)
            {
                EndRound(op);
            }
        }

        EndRound(17);

        // Both directions still work.
        return Encoding.UTF8.GetString(b.Decrypt(a.Encrypt("end-a"u8))) == "end-a"
            && Encoding.UTF8.GetString(a.Decrypt(b.Encrypt("end-b"u8))) == "end-b";
    }

    /// <summary>
    /// Any single-byte change to a message fails and leaves both sessions able to continue. The one
    /// exception is by design of libsignal version 3: a prekey message's registration id (field 5)
    /// is informational and not authenticated, so those bytes are left alone.
    /// </summary>
    [Property(MaxTest = 60)]
    public bool Any_single_byte_change_fails_and_both_sessions_continue(int position, byte mask, bool fromBob, bool prekeyPhase)
    {
        byte xor = mask == 0 ? (byte)1 : mask;
        Party alice;
        Party bob;
        if (prekeyPhase)
        {
            alice = new Party("alice");
            bob = new Party("bob");
            alice.StartSessionWith(bob);
            fromBob = false;
        }
        else
        {
            (alice, bob) = Party.Established();
        }

        SessionCipher sender = fromBob ? bob.CipherFor(alice) : alice.CipherFor(bob);
        SessionCipher receiver = fromBob ? alice.CipherFor(bob) : bob.CipherFor(alice);
        CiphertextMessage message = sender.Encrypt("payload"u8);
        byte[] bad = message.Serialized.ToArray();
        int index = (int)((uint)position % (uint)bad.Length);
        (int start, int end) = RegistrationIdRange(message);
        if (index >= start && index < end)
        {
            index = 0;
        }

        bad[index] ^= xor;
        try
        {
            receiver.Decrypt(message with { Serialized = bad });
            return false;
        }
        catch (SignalProtocolException)
        {
            // Expected.
        }

        return Encoding.UTF8.GetString(receiver.Decrypt(message)) == "payload"
            && Encoding.UTF8.GetString(receiver.Decrypt(sender.Encrypt("more"u8))) == "more"
            && Encoding.UTF8.GetString(sender.Decrypt(receiver.Encrypt("back"u8))) == "back";
    }

    private static (int Start, int End) RegistrationIdRange(CiphertextMessage message)
    {
        if (message.Type != CiphertextMessageType.PreKeySignalMessage)
        {
            return (0, 0);
        }

        var reader = new ProtoReader(message.Serialized.Span[1..]);
        while (!reader.End)
        {
            int start = reader.Position + 1;
            reader.ReadTag(out int field, out int wireType);
            reader.Skip(wireType);
            if (field == 5)
            {
                return (start, reader.Position + 1);
            }
        }

        return (0, 0);
    }
}
