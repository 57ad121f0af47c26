using System.Buffers;
using static VoipKit.Signaling.Sdp.SdpOutput;

namespace VoipKit.Signaling.Sdp;

/// <summary>
/// Writes a <see cref="SessionDescription"/> as CRLF lines in RFC 8866 order (v o s i u e p c b t r z k a, then per
/// media m i c b k a). Typed attributes come first in a fixed order, then the verbatim ones in their order.
/// </summary>
internal static class SdpSerializer
{
    public static void Write(SessionDescription sdp, IBufferWriter<byte> w)
    {
        Line(w, 'v', "0");
        var o = sdp.Origin;
        Start(w, 'o');
        SdpOutput.Write(w, o.UserName);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, o.SessionId);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, o.SessionVersion);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, o.NetworkType);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, o.AddressType);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, o.Address);
        Crlf(w);
        Line(w, 's', sdp.SessionName);
        Optional(w, 'i', sdp.Information);
        Optional(w, 'u', sdp.Uri);
        foreach (var e in sdp.Emails)
        {
            Line(w, 'e', e);
        }

        foreach (var p in sdp.Phones)
        {
            Line(w, 'p', p);
        }

        Connection(w, sdp.Connection);
        Bandwidths(w, sdp.Bandwidths);
        if (sdp.Timings.Count == 0)
        {
            Line(w, 't', "0 0");
        }

        foreach (var t in sdp.Timings)
        {
            Start(w, 't');
            SdpOutput.Write(w, t.Start);
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, t.Stop);
            Crlf(w);
            foreach (var r in t.Repeats)
            {
                Line(w, 'r', r);
            }
        }

        Optional(w, 'z', sdp.TimeZones);
        Optional(w, 'k', sdp.EncryptionKey);
        if (sdp.IceLite)
        {
            Flag(w, "ice-lite");
        }

        Ice(w, sdp.IceUfrag, sdp.IcePwd, sdp.IceOptions);
        Dtls(w, sdp.Fingerprints, sdp.Setup);
        EndToEnd(w, sdp.EndToEndVersion);
        Direction(w, sdp.Direction);
        Verbatim(w, sdp.Attributes);
        foreach (var m in sdp.Media)
        {
            Media(w, m);
        }
    }

    private static void Media(IBufferWriter<byte> w, MediaDescription m)
    {
        Start(w, 'm');
        SdpOutput.Write(w, m.Media);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, (ulong)m.Port);
        if (m.PortCount is int count)
        {
            SdpOutput.Write(w, '/');
            SdpOutput.Write(w, (ulong)count);
        }

        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, m.Protocol);
        foreach (var f in m.Formats)
        {
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, f);
        }

        Crlf(w);
        Optional(w, 'i', m.Information);
        Connection(w, m.Connection);
        Bandwidths(w, m.Bandwidths);
        Optional(w, 'k', m.EncryptionKey);

        // Each rtpmap is followed by the fmtp lines of its payload type, as peers conventionally write them.
        foreach (var map in m.RtpMaps)
        {
            Attribute(w, "rtpmap:");
            SdpOutput.Write(w, (ulong)map.PayloadType);
            SdpOutput.Write(w, ' ');
            SdpOutput.Write(w, map.EncodingName);
            SdpOutput.Write(w, '/');
            SdpOutput.Write(w, (ulong)map.ClockRate);
            if (map.Channels is int channels)
            {
                SdpOutput.Write(w, '/');
                SdpOutput.Write(w, (ulong)channels);
            }

            Crlf(w);
            foreach (var f in m.Fmtps)
            {
                if (f.PayloadType == map.PayloadType)
                {
                    Fmtp(w, f);
                }
            }
        }

        foreach (var f in m.Fmtps)
        {
            if (m.FindRtpMap(f.PayloadType) is null)
            {
                Fmtp(w, f);
            }
        }

        Number(w, "ptime:", m.Ptime);
        Number(w, "maxptime:", m.MaxPtime);
        Direction(w, m.Direction);
        if (m.Rtcp is { } rtcp)
        {
            Attribute(w, "rtcp:");
            SdpOutput.Write(w, (ulong)rtcp.Port);
            if (rtcp.Address is not null)
            {
                SdpOutput.Write(w, ' ');
                SdpOutput.Write(w, rtcp.NetworkType ?? "IN");
                SdpOutput.Write(w, ' ');
                SdpOutput.Write(w, rtcp.AddressType ?? "IP4");
                SdpOutput.Write(w, ' ');
                SdpOutput.Write(w, rtcp.Address);
            }

            Crlf(w);
        }

        if (m.RtcpMux)
        {
            Flag(w, "rtcp-mux");
        }

        Ice(w, m.IceUfrag, m.IcePwd, m.IceOptions);
        Dtls(w, m.Fingerprints, m.Setup);
        foreach (var c in m.Crypto)
        {
            Attribute(w, "crypto:");
            c.WriteValue(w);
            Crlf(w);
        }

        EndToEnd(w, m.EndToEndVersion);
        foreach (var c in m.Candidates)
        {
            Attribute(w, "candidate:");
            c.WriteValue(w);
            Crlf(w);
        }

        if (m.RemoteCandidates is { Count: > 0 } remote)
        {
            Attribute(w, "remote-candidates:");
            for (var i = 0; i < remote.Count; i++)
            {
                if (i > 0)
                {
                    SdpOutput.Write(w, ' ');
                }

                SdpOutput.Write(w, (ulong)remote[i].Component);
                SdpOutput.Write(w, ' ');
                SdpOutput.Write(w, remote[i].Address);
                SdpOutput.Write(w, ' ');
                SdpOutput.Write(w, (ulong)remote[i].Port);
            }

            Crlf(w);
        }

        if (m.EndOfCandidates)
        {
            Flag(w, "end-of-candidates");
        }

        Verbatim(w, m.Attributes);
    }

    private static void Fmtp(IBufferWriter<byte> w, Fmtp f)
    {
        Attribute(w, "fmtp:");
        SdpOutput.Write(w, (ulong)f.PayloadType);
        SdpOutput.Write(w, ' ');
        for (var i = 0; i < f.Parameters.Count; i++)
        {
            if (i > 0)
            {
                SdpOutput.Write(w, ';');
            }

            SdpOutput.Write(w, f.Parameters[i].Name);
            if (f.Parameters[i].Value is { } value)
            {
                SdpOutput.Write(w, '=');
                SdpOutput.Write(w, value);
            }
        }

        Crlf(w);
    }

    private static void Optional(IBufferWriter<byte> w, char type, string? value)
    {
        if (value is not null)
        {
            Line(w, type, value);
        }
    }

    private static void Number(IBufferWriter<byte> w, string name, int? value)
    {
        if (value is int v)
        {
            Attribute(w, name);
            SdpOutput.Write(w, (ulong)v);
            Crlf(w);
        }
    }

    private static void Connection(IBufferWriter<byte> w, ConnectionData? c)
    {
        if (c is null)
        {
            return;
        }

        Start(w, 'c');
        SdpOutput.Write(w, c.NetworkType);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, c.AddressType);
        SdpOutput.Write(w, ' ');
        SdpOutput.Write(w, c.Address);
        Crlf(w);
    }

    private static void Bandwidths(IBufferWriter<byte> w, List<Bandwidth> bandwidths)
    {
        foreach (var b in bandwidths)
        {
            Start(w, 'b');
            SdpOutput.Write(w, b.Type);
            SdpOutput.Write(w, ':');
            SdpOutput.Write(w, b.Value);
            Crlf(w);
        }
    }

    private static void Ice(IBufferWriter<byte> w, string? ufrag, string? pwd, List<string> options)
    {
        if (ufrag is not null)
        {
            Attribute(w, "ice-ufrag:");
            SdpOutput.Write(w, ufrag);
            Crlf(w);
        }

        if (pwd is not null)
        {
            Attribute(w, "ice-pwd:");
            SdpOutput.Write(w, pwd);
            Crlf(w);
        }

        if (options.Count > 0)
        {
            Attribute(w, "ice-options:");
            SdpOutput.Write(w, string.Join(' ', options));
            Crlf(w);
        }
    }

    private static void Dtls(IBufferWriter<byte> w, List<Fingerprint> fingerprints, DtlsSetupRole? setup)
    {
        foreach (var f in fingerprints)
        {
            Attribute(w, "fingerprint:");
            f.WriteValue(w);
            Crlf(w);
        }

        if (setup is DtlsSetupRole role)
        {
            Attribute(w, role switch
            {
                DtlsSetupRole.ActPass => "setup:actpass",
                DtlsSetupRole.Active => "setup:active",
                DtlsSetupRole.Passive => "setup:passive",
                _ => "setup:holdconn",
            });
            Crlf(w);
        }
    }

    private static void EndToEnd(IBufferWriter<byte> w, int? version) => Number(w, "x-voipkit-e2e:", version);

    private static void Direction(IBufferWriter<byte> w, MediaDirection? direction)
    {
        if (direction is MediaDirection d)
        {
            Flag(w, d switch
            {
                MediaDirection.SendRecv => "sendrecv",
                MediaDirection.SendOnly => "sendonly",
                MediaDirection.RecvOnly => "recvonly",
                _ => "inactive",
            });
        }
    }

    private static void Verbatim(IBufferWriter<byte> w, List<SdpAttributeLine> attributes)
    {
        foreach (var a in attributes)
        {
            Attribute(w, a.Name);
            if (a.Value is not null)
            {
                SdpOutput.Write(w, ':');
                SdpOutput.Write(w, a.Value);
            }

            Crlf(w);
        }
    }
}
