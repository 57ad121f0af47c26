using VoipKit.Transport.Stun;

namespace VoipKit.Fuzz;

/// <summary>
/// Fuzz target for the STUN reader: any input either fails <see cref="StunMessage.TryParse"/> with a reason or parses;
/// a parsed message's accessors, typed attribute readers and integrity checks must not throw, its attributes must lie
/// inside it, and writing its considered attributes again must read back the same. Anything else is a finding.
/// </summary>
internal static class StunTarget
{
    private static readonly byte[] Key = [0x6b, 0x65, 0x79];
    private static readonly StunHmacSha1Key PreparedKey = new(Key);
    private static readonly StunEndPoint Source = StunEndPoint.Create([192, 0, 2, 1], 3478);

    public static void Run(ReadOnlySpan<byte> data)
    {
        // The responder sees every datagram a server or ICE agent receives; an answer it writes must parse.
        Span<byte> response = stackalloc byte[548];
        foreach (StunHmacSha1Key? key in (ReadOnlySpan<StunHmacSha1Key?>)[null, PreparedKey])
        {
            if (StunBindingResponder.Respond(data, Source, response, out int answered, key) is StunResponderResult.Success or StunResponderResult.Error)
            {
                Check(StunMessage.TryParse(response[..answered], out _) == StunParseResult.Ok);
            }
        }

        bool demux = StunMessage.IsStun(data);
        if (StunMessage.TryParse(data, out StunMessage message) != StunParseResult.Ok)
        {
            return;
        }

        Check(demux || data[0] >= 4);
        _ = message.Type;
        Span<ushort> types = stackalloc ushort[16];
        _ = message.GetUnknownComprehensionRequired(types);
        byte[] copy = new byte[data.Length + 64];
        var writer = new StunMessageWriter(copy, message.Type, message.TransactionId);
        int count = 0;
        foreach (StunAttribute attribute in message.GetAttributes())
        {
            Check(attribute.Offset >= 20 && attribute.Offset + 4 + attribute.Value.Length <= data.Length);
            _ = StunAttributeReader.TryReadAddress(attribute.Value, out StunEndPoint address);
            _ = address.ToString();
            _ = StunAttributeReader.TryReadXorAddress(attribute.Value, message.TransactionId, out _);
            _ = StunAttributeReader.TryReadErrorCode(attribute.Value, out _, out _);
            _ = StunAttributeReader.ReadUnknownAttributes(attribute.Value, types);
            _ = StunAttributeReader.ReadPasswordAlgorithms(attribute.Value, types);
            _ = StunAttributeReader.TryReadChannelNumber(attribute.Value, out _);
            _ = StunAttributeReader.TryReadRequestedTransport(attribute.Value, out _);
            _ = StunAttributeReader.TryReadEvenPort(attribute.Value, out _);
            if (attribute.Type is not (StunAttributeType.MessageIntegrity or StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint))
            {
                Check(writer.AddAttribute(attribute.Type, attribute.Value));
                count++;
            }
        }

        _ = StunIntegrity.VerifyMessageIntegrity(message, Key);
        Check(StunIntegrity.VerifyMessageIntegrity(message, PreparedKey) == StunIntegrity.VerifyMessageIntegrity(message, Key));
        _ = StunIntegrity.VerifyMessageIntegritySha256(message, Key);
        _ = StunIntegrity.VerifyFingerprint(message);
        try
        {
            _ = StunClient.ReadMappedAddress(data);
        }
        catch (InvalidDataException)
        {
        }
        catch (StunErrorResponseException)
        {
        }

        // The considered attributes, written again, read back in the same order with the same values.
        Check(writer.TryComplete(out int length));
        Check(StunMessage.TryParse(copy.AsSpan(0, length), out StunMessage again) == StunParseResult.Ok);
        StunAttributeEnumerator original = message.GetAttributes();
        int seen = 0;
        foreach (StunAttribute attribute in again.GetAttributes())
        {
            do
            {
                Check(original.MoveNext());
            }
            while (original.Current.Type is StunAttributeType.MessageIntegrity or StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint);

            Check(attribute.Type == original.Current.Type && attribute.Value.SequenceEqual(original.Current.Value));
            seen++;
        }

        Check(seen == count);
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("STUN parser invariant broken.");
        }
    }
}
