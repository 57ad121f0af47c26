namespace VoipKit.Signaling.Sdp;

/// <summary>Which session-level line types were seen (one bit per letter; avoids a set allocation per parse).</summary>
internal sealed class SdpSeenLines
{
    private uint _bits;

    public bool Add(char type)
    {
        var bit = 1u << (type - 'a');
        var added = (_bits & bit) == 0;
        _bits |= bit;
        return added;
    }

    public bool Contains(char type) => (_bits & (1u << (type - 'a'))) != 0;
}
