namespace VoipKit.Signaling.Sdp;

/// <summary>An <c>a=fmtp:</c> attribute (RFC 8866 section 6.15): format parameters of one payload type, in their order.</summary>
public sealed record Fmtp
{
    /// <summary>The RTP payload type the parameters belong to.</summary>
    public int PayloadType { get; init; }

    /// <summary>The parameters in the order they were written.</summary>
    public IReadOnlyList<FmtpParameter> Parameters { get; init; } = [];

    /// <summary>Looks a parameter up by name, ignoring case (RFC 7587 and RFC 4733 parameter names are case-insensitive).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value (empty for a bare token), or null when the parameter is absent.</returns>
    public string? this[string name]
    {
        get
        {
            foreach (var p in Parameters)
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return p.Value ?? string.Empty;
                }
            }

            return null;
        }
    }

    /// <summary>The parameters as written after the payload type, joined with <c>;</c>.</summary>
    /// <returns>For example <c>minptime=10;useinbandfec=1</c>.</returns>
    public string ParametersText() => string.Join(';', Parameters.Select(p => p.Value is null ? p.Name : p.Name + "=" + p.Value));

    /// <summary>Creates an fmtp from <c>name=value</c> pairs (a null value writes a bare token).</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <param name="parameters">The parameters in order.</param>
    /// <returns>The attribute.</returns>
    public static Fmtp Create(int payloadType, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var list = new List<FmtpParameter>(parameters.Length);
        foreach (var (name, value) in parameters)
        {
            list.Add(new FmtpParameter { Name = name, Value = value });
        }

        return new Fmtp { PayloadType = payloadType, Parameters = list };
    }
}
