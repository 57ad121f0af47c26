using VoipKit.Media.Adaptation;
using VoipKit.Media.Codecs;
using VoipKit.Signaling.Sdp;

namespace VoipKit;

/// <summary>
/// Turns the Opus parameters a peer put in its SDP (RFC 7587) into how we encode for it: the
/// bitrate ceiling (maxaveragebitrate), whether to send in-band FEC (useinbandfec: its decoder
/// can use it), DTX (usedtx: it prefers it) and the frame duration (ptime, maxptime).
/// </summary>
internal static class OpusSdpMapping
{
    public static (OpusEncoderSettings Encoder, BitrateControllerOptions Bitrate) ForRemote(OpusParameters remote, int? ptime, int? maxPtime)
    {
        ArgumentNullException.ThrowIfNull(remote);
        int max = Math.Clamp(remote.MaxAverageBitrate ?? OpusAudioEncoder.MaxBitrate, OpusAudioEncoder.MinBitrate, OpusAudioEncoder.MaxBitrate);
        int frame = ChooseFrame(ptime, maxPtime);
        bool fec = remote.UseInbandFec == true; // RFC 7587: absent means 0
        var encoder = new OpusEncoderSettings
        {
            Bitrate = Math.Min(32_000, max),
            FrameMilliseconds = frame,
            UseInbandFec = false, // the controller turns it on when loss appears, if allowed
            UseDtx = remote.UseDtx == true,
        };
        var bitrate = new BitrateControllerOptions
        {
            MaxBitrate = max,
            StartBitrate = Math.Min(32_000, max),
            AllowInbandFec = fec,
            PreferredFrameMilliseconds = frame,
        };
        return (encoder, bitrate);
    }

    // The longest standard Opus frame not above the peer's ptime (default 20) and maxptime.
    private static int ChooseFrame(int? ptime, int? maxPtime)
    {
        int wanted = ptime is > 0 ? ptime.Value : 20;
        int limit = maxPtime is > 0 ? maxPtime.Value : 120;
        int best = 10;
        foreach (int f in (ReadOnlySpan<int>)[10, 20, 40, 60])
        {
            if (f <= wanted && f <= limit)
            {
                best = f;
            }
        }

        return best;
    }
}
