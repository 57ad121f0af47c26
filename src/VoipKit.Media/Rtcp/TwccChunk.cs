namespace VoipKit.Media.Rtcp;

/// <summary>Packet status chunks of transport-wide feedback: run length, or 1-bit / 2-bit status vectors.</summary>
internal static class TwccChunk
{
    internal const int MaxRunLength = 0x1FFF;

    /// <summary>Returns the symbol at a position of a chunk and how many symbols the chunk holds.</summary>
    internal static int Symbol(ushort chunk, int position, out int capacity)
    {
        if ((chunk & 0x8000) == 0)
        {
            // Run length: T=0, 2-bit symbol, 13-bit length.
            capacity = chunk & MaxRunLength;
            return (chunk >> 13) & 0x3;
        }

        if ((chunk & 0x4000) == 0)
        {
            // 14 one-bit symbols: 0 not received, 1 received with a small delta.
            capacity = 14;
            return (chunk >> (13 - position)) & 0x1;
        }

        // 7 two-bit symbols.
        capacity = 7;
        return (chunk >> (12 - (2 * position))) & 0x3;
    }

    internal static int DeltaSize(int symbol) => symbol switch
    {
        (int)TwccStatus.ReceivedSmallDelta => 1,
        (int)TwccStatus.ReceivedLargeDelta => 2,
        _ => 0,
    };
}
