using System.Globalization;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// The Opus format parameters of RFC 7587 section 7 as a typed view of an <see cref="Fmtp"/>. A parameter that is absent,
/// or present with a value outside its range, is null: RFC 7587 says to ignore what cannot be understood.
/// </summary>
public sealed record OpusParameters
{
    /// <summary><c>maxplaybackrate</c>: the highest audio rate (Hz) this side wants to receive, 8000–48000.</summary>
    public int? MaxPlaybackRate { get; init; }

    /// <summary><c>sprop-maxcapturerate</c>: the highest audio rate (Hz) this side will send, 8000–48000.</summary>
    public int? SpropMaxCaptureRate { get; init; }

    /// <summary><c>maxaveragebitrate</c>: the highest average bitrate (bit/s) this side wants to receive, 6000–510000.</summary>
    public int? MaxAverageBitrate { get; init; }

    /// <summary><c>stereo</c>: whether this side prefers to receive stereo.</summary>
    public bool? Stereo { get; init; }

    /// <summary><c>sprop-stereo</c>: whether this side is likely to send stereo.</summary>
    public bool? SpropStereo { get; init; }

    /// <summary><c>cbr</c>: whether this side wants to receive constant bitrate.</summary>
    public bool? Cbr { get; init; }

    /// <summary><c>useinbandfec</c>: whether this side can use in-band FEC it receives.</summary>
    public bool? UseInbandFec { get; init; }

    /// <summary><c>usedtx</c>: whether this side prefers to receive discontinuous transmission.</summary>
    public bool? UseDtx { get; init; }

    /// <summary><c>minptime</c>: the smallest packet time (ms) this side wants to receive, 3–120.</summary>
    public int? MinPtime { get; init; }

    /// <summary>Reads the Opus parameters from an fmtp attribute.</summary>
    /// <param name="fmtp">The fmtp of the Opus payload type, or null when there is none.</param>
    /// <returns>The typed parameters (all null when <paramref name="fmtp"/> is null).</returns>
    public static OpusParameters FromFmtp(Fmtp? fmtp) => fmtp is null ? new OpusParameters() : new OpusParameters
    {
        MaxPlaybackRate = Int(fmtp["maxplaybackrate"], 8000, 48000),
        SpropMaxCaptureRate = Int(fmtp["sprop-maxcapturerate"], 8000, 48000),
        MaxAverageBitrate = Int(fmtp["maxaveragebitrate"], 6000, 510000),
        Stereo = Bool(fmtp["stereo"]),
        SpropStereo = Bool(fmtp["sprop-stereo"]),
        Cbr = Bool(fmtp["cbr"]),
        UseInbandFec = Bool(fmtp["useinbandfec"]),
        UseDtx = Bool(fmtp["usedtx"]),
        MinPtime = Int(fmtp["minptime"], 3, 120),
    };

    /// <summary>Writes the parameters that are set as an fmtp attribute, in RFC 7587 order.</summary>
    /// <param name="payloadType">The Opus payload type.</param>
    /// <returns>The fmtp, or null when no parameter is set.</returns>
    public Fmtp? ToFmtp(int payloadType)
    {
        var list = new List<FmtpParameter>();
        Add(list, "maxplaybackrate", MaxPlaybackRate);
        Add(list, "sprop-maxcapturerate", SpropMaxCaptureRate);
        Add(list, "maxaveragebitrate", MaxAverageBitrate);
        Add(list, "stereo", Stereo);
        Add(list, "sprop-stereo", SpropStereo);
        Add(list, "cbr", Cbr);
        Add(list, "useinbandfec", UseInbandFec);
        Add(list, "usedtx", UseDtx);
        Add(list, "minptime", MinPtime);
        return list.Count == 0 ? null : new Fmtp { PayloadType = payloadType, Parameters = list };
    }

    private static void Add(List<FmtpParameter> list, string name, int? value)
    {
        if (value is int v)
        {
            list.Add(new FmtpParameter { Name = name, Value = v.ToString(CultureInfo.InvariantCulture) });
        }
    }

    private static void Add(List<FmtpParameter> list, string name, bool? value)
    {
        if (value is bool v)
        {
            list.Add(new FmtpParameter { Name = name, Value = v ? "1" : "0" });
        }
    }

    private static int? Int(string? text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null;

    private static bool? Bool(string? text) => text switch
    {
        "1" => true,
        "0" => false,
        _ => null,
    };
}
