namespace VoipKit.Media.Rtp;

/// <summary>Walks RFC 8285 extension elements; shared by validation and enumeration so both agree.</summary>
internal static class RtpHeaderExtensionParser
{
    internal const ushort OneByteProfile = 0xBEDE;
    internal const ushort TwoByteProfile = 0x1000;

    /// <summary>No more elements.</summary>
    internal const int End = -1;

    /// <summary>An element runs past the end of the block.</summary>
    internal const int Malformed = -2;

    internal static RtpHeaderExtensionForm FormOf(ushort profile) => profile switch
    {
        OneByteProfile => RtpHeaderExtensionForm.OneByte,
        // The two-byte form carries 4 "appbits" in the low nibble of the profile.
        _ when (profile & 0xFFF0) == TwoByteProfile => RtpHeaderExtensionForm.TwoByte,
        _ => RtpHeaderExtensionForm.None,
    };

    /// <summary>
    /// Finds the element at or after <paramref name="offset"/>. Returns the offset after it, or
    /// <see cref="End"/> / <see cref="Malformed"/>.
    /// </summary>
    internal static int Next(ReadOnlySpan<byte> data, RtpHeaderExtensionForm form, int offset, out byte id, out int valueOffset, out int valueLength)
    {
        id = 0;
        valueOffset = 0;
        valueLength = 0;
        if (form == RtpHeaderExtensionForm.None)
        {
            return End;
        }

        while (offset < data.Length)
        {
            byte b = data[offset];
            // Padding byte between or after elements; in the one-byte form ID 0 is padding
            // whatever its length nibble says.
            if (b == 0 || (form == RtpHeaderExtensionForm.OneByte && b >> 4 == 0))
            {
                offset++;
                continue;
            }

            if (form == RtpHeaderExtensionForm.OneByte)
            {
                int oneByteId = b >> 4;
                if (oneByteId == 15)
                {
                    // Reserved: processing of the whole block stops here (RFC 8285 4.2).
                    return End;
                }

                id = (byte)oneByteId;
                valueOffset = offset + 1;
                valueLength = (b & 0x0F) + 1;
            }
            else
            {
                if (offset + 1 >= data.Length)
                {
                    return Malformed;
                }

                id = b;
                valueOffset = offset + 2;
                valueLength = data[offset + 1];
            }

            if (valueLength > data.Length - valueOffset)
            {
                return Malformed;
            }

            return valueOffset + valueLength;
        }

        return End;
    }

    internal static bool Validate(ReadOnlySpan<byte> data, RtpHeaderExtensionForm form)
    {
        int offset = 0;
        while (true)
        {
            int next = Next(data, form, offset, out _, out _, out _);
            if (next == End)
            {
                return true;
            }

            if (next == Malformed)
            {
                return false;
            }

            offset = next;
        }
    }
}
