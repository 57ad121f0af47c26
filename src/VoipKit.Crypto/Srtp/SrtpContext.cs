using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace VoipKit.Crypto;

/// <summary>
/// SRTP and SRTCP packet protection (RFC 3711, RFC 7714) for one master key: protects outgoing
/// packets and unprotects incoming ones in place, in the caller's buffer.
/// </summary>
/// <remarks>
/// <para>
/// Session keys are derived once (key derivation rate 0, no MKI). Per-SSRC state (rollover
/// counter, 128-packet replay window, SRTCP index) is kept for at most the number of streams
/// given at construction, separately for each direction.
/// </para>
/// <para>
/// The per-packet methods never throw for bad packets and never allocate: every drop returns
/// an <see cref="SrtpResult"/> and is counted (<see cref="UnprotectCount"/>). They throw only
/// for caller mistakes (a length outside the buffer, use after <see cref="Dispose"/>).
/// </para>
/// <para>
/// Thread safety: the sending methods (<see cref="Protect"/>, <see cref="ProtectRtcp"/>) and the
/// receiving methods (<see cref="Unprotect"/>, <see cref="UnprotectRtcp"/>) keep separate state,
/// so one thread may send while another receives; each side must be called by one thread at a time.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var tx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, localKey, localSalt);
/// using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, remoteKey, remoteSalt);
/// // buffer holds an RTP packet of rtpLength bytes and has tx.RtpOverhead spare bytes after it.
/// if (tx.Protect(buffer, rtpLength, out int srtpLength) == SrtpResult.Ok) { Send(buffer[..srtpLength]); }
/// // On receive: anything but Ok is a counted drop (rx.UnprotectCount(result)).
/// if (rx.Unprotect(received, receivedLength, out int plainLength) == SrtpResult.Ok) { Deliver(received[..plainLength]); }
/// </code>
/// </example>
[SkipLocalsInit]
public sealed class SrtpContext : IDisposable
{
    /// <summary>Default bound on the SSRCs tracked per direction.</summary>
    public const int DefaultMaxStreams = 16;

    private const int RtpHeaderLength = 12;
    private const int RtcpHeaderLength = 8;
    private const int SrtcpIndexLength = 4;
    private const uint EFlag = 0x8000_0000;
    private const ulong MaxRtpIndex = (1UL << 48) - 1;
    private const uint MaxRtcpIndex = 0x7FFF_FFFF;

    private readonly bool _aead;
    private readonly int _rtpTagLength;
    private readonly int _rtcpTagLength;
    private readonly SrtpDirection _send;
    private readonly SrtpDirection _receive;
    private bool _disposed;

    /// <summary>Creates a context from the master key and salt of a protection profile.</summary>
    /// <param name="profile">The protection profile (crypto suite).</param>
    /// <param name="masterKey">The master key: 16 bytes, or 32 for <see cref="SrtpProtectionProfile.AeadAes256Gcm"/>.</param>
    /// <param name="masterSalt">The master salt: 14 bytes for AES-CM profiles, 12 for AEAD profiles.</param>
    /// <param name="maxStreams">How many SSRCs each direction tracks; packets of further SSRCs get <see cref="SrtpResult.TooManyStreams"/>.</param>
    /// <exception cref="ArgumentException">A key or salt of the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An unknown profile or <paramref name="maxStreams"/> below 1.</exception>
    public SrtpContext(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, int maxStreams = DefaultMaxStreams)
        : this(profile, DeriveSessionKeys(profile, masterKey, masterSalt), maxStreams, allowIntrinsics: true)
    {
    }

    /// <summary>Creates a context from a master key, choosing whether AES may use AES-NI (tests and benchmarks compare both).</summary>
    internal static SrtpContext CreateForBenchmark(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool allowIntrinsics) =>
        new(profile, DeriveSessionKeys(profile, masterKey, masterSalt), DefaultMaxStreams, allowIntrinsics);

    /// <summary>Creates a context from already derived session keys (test vectors give these).</summary>
    internal SrtpContext(SrtpProtectionProfile profile, SrtpSessionKeys keys, int maxStreams, bool allowIntrinsics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        Profile = profile;
        _aead = profile is SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm;
        _rtpTagLength = profile.SrtpTagLength();
        _rtcpTagLength = profile.SrtcpTagLength();
        try
        {
            _send = new SrtpDirection(_aead, keys, maxStreams, allowIntrinsics);
            _receive = new SrtpDirection(_aead, keys, maxStreams, allowIntrinsics);
        }
        finally
        {
            keys.Clear();
        }
    }

    /// <summary>The protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Bytes <see cref="Protect"/> adds to an RTP packet (the authentication tag).</summary>
    public int RtpOverhead => _rtpTagLength;

    /// <summary>Bytes <see cref="ProtectRtcp"/> adds to an RTCP packet (E flag + SRTCP index, and the tag).</summary>
    public int RtcpOverhead => SrtcpIndexLength + _rtcpTagLength;

    /// <summary>True when the AES work runs on AES-NI (and GHASH on PCLMULQDQ) rather than through the BCL.</summary>
    internal bool UsesIntrinsics => _send.UsesIntrinsics;

    /// <summary>How many times <see cref="Protect"/> or <see cref="ProtectRtcp"/> returned <paramref name="result"/>.</summary>
    /// <param name="result">The outcome to count.</param>
    /// <returns>The count since construction.</returns>
    public long ProtectCount(SrtpResult result) => Volatile.Read(ref _send.Counts[(int)result]);

    /// <summary>How many times <see cref="Unprotect"/> or <see cref="UnprotectRtcp"/> returned <paramref name="result"/>.</summary>
    /// <param name="result">The outcome to count (for example <see cref="SrtpResult.Replayed"/>).</param>
    /// <returns>The count since construction.</returns>
    public long UnprotectCount(SrtpResult result) => Volatile.Read(ref _receive.Counts[(int)result]);

    /// <summary>
    /// Protects the RTP packet in <c>buffer[..length]</c> in place: encrypts the payload and
    /// appends the tag, so <paramref name="buffer"/> needs <see cref="RtpOverhead"/> spare bytes.
    /// </summary>
    /// <param name="buffer">The packet, with room after it for the tag.</param>
    /// <param name="length">Length of the RTP packet.</param>
    /// <param name="protectedLength">Length of the SRTP packet (0 when not <see cref="SrtpResult.Ok"/>).</param>
    /// <returns><see cref="SrtpResult.Ok"/>, or why the packet cannot be protected.</returns>
    public SrtpResult Protect(Span<byte> buffer, int length, out int protectedLength)
    {
        CheckCall(buffer, length);
        SrtpResult result = ProtectCore(buffer, length, out protectedLength);
        _send.Counts[(int)result]++;
        return result;
    }

    /// <summary>
    /// Checks and decrypts the SRTP packet in <c>buffer[..length]</c> in place, leaving the RTP
    /// packet at the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The packet.</param>
    /// <param name="length">Length of the SRTP packet.</param>
    /// <param name="rtpLength">Length of the RTP packet (0 when not <see cref="SrtpResult.Ok"/>).</param>
    /// <returns><see cref="SrtpResult.Ok"/>, or why the packet was dropped.</returns>
    public SrtpResult Unprotect(Span<byte> buffer, int length, out int rtpLength)
    {
        CheckCall(buffer, length);
        SrtpResult result = UnprotectCore(buffer, length, out rtpLength);
        _receive.Counts[(int)result]++;
        return result;
    }

    /// <summary>
    /// Protects the (compound) RTCP packet in <c>buffer[..length]</c> in place: encrypts it,
    /// appends the E flag and SRTCP index and the tag (<see cref="RtcpOverhead"/> spare bytes needed).
    /// </summary>
    /// <param name="buffer">The packet, with room after it.</param>
    /// <param name="length">Length of the RTCP packet.</param>
    /// <param name="protectedLength">Length of the SRTCP packet (0 when not <see cref="SrtpResult.Ok"/>).</param>
    /// <returns><see cref="SrtpResult.Ok"/>, or why the packet cannot be protected.</returns>
    public SrtpResult ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        CheckCall(buffer, length);
        SrtpResult result = ProtectRtcpCore(buffer, length, out protectedLength);
        _send.Counts[(int)result]++;
        return result;
    }

    /// <summary>
    /// Checks and, when its E flag is set, decrypts the SRTCP packet in <c>buffer[..length]</c>
    /// in place, leaving the RTCP packet at the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The packet.</param>
    /// <param name="length">Length of the SRTCP packet.</param>
    /// <param name="rtcpLength">Length of the RTCP packet (0 when not <see cref="SrtpResult.Ok"/>).</param>
    /// <returns><see cref="SrtpResult.Ok"/>, or why the packet was dropped.</returns>
    public SrtpResult UnprotectRtcp(Span<byte> buffer, int length, out int rtcpLength)
    {
        CheckCall(buffer, length);
        SrtpResult result = UnprotectRtcpCore(buffer, length, out rtcpLength);
        _receive.Counts[(int)result]++;
        return result;
    }

    /// <summary>Wipes the session keys and forgets every stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _send.Dispose();
        _receive.Dispose();
    }

    /// <summary>Sets the next SRTCP index sent for <paramref name="ssrc"/> (test vectors start mid-stream).</summary>
    internal void SetNextRtcpIndex(uint ssrc, uint index)
    {
        SrtpStreamTable streams = _send.RtcpStreams;
        int slot = streams.Find(ssrc);
        if (slot < 0)
        {
            slot = streams.Add(ssrc, 0);
        }

        streams[slot].NextRtcpIndex = index;
    }

    private void CheckCall(Span<byte> buffer, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    // The per-packet paths are [AggressiveOptimization]: fully optimized from the first packet
    // instead of after tiered compilation catches up (slow under load).
    private SrtpResult ProtectCore(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        SrtpResult parsed = SrtpPacketFormat.ParseRtpHeader(buffer[..length], out int headerLength);
        if (parsed != SrtpResult.Ok)
        {
            return parsed;
        }

        if (!SrtpPacketFormat.PaddingIsValid(buffer, headerLength, length))
        {
            return SrtpResult.MalformedPadding;
        }

        if (buffer.Length - length < _rtpTagLength)
        {
            return SrtpResult.BufferTooSmall;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        SrtpStreamTable streams = _send.RtpStreams;
        int slot = streams.Find(ssrc);
        ulong index = slot < 0 ? seq : SrtpStreamTable.EstimateIndex(streams[slot].Highest, seq);
        if (index > MaxRtpIndex)
        {
            return SrtpResult.IndexExhausted;
        }

        if (slot < 0 && (slot = streams.Add(ssrc, index)) < 0)
        {
            return SrtpResult.TooManyStreams;
        }

        ref SrtpStream stream = ref streams[slot];
        if (index > stream.Highest)
        {
            stream.Highest = index;
        }

        uint roc = (uint)(index >> 16);
        if (_aead)
        {
            Span<byte> nonce = stackalloc byte[12];
            SrtpPacketFormat.RtpNonce(_send.RtpSalt, ssrc, index, nonce);
            _send.RtpGcm!.Seal(nonce, buffer[..headerLength], buffer[headerLength..length], buffer.Slice(length, _rtpTagLength));
        }
        else
        {
            Span<byte> iv = stackalloc byte[16];
            SrtpPacketFormat.CounterIv(_send.RtpSalt, ssrc, index, iv);
            _send.RtpCtr!.XorKeystream(iv, 0, buffer[headerLength..length]);
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            Span<byte> mac = stackalloc byte[HmacSha1.Length];
            _send.RtpMac!.Compute(buffer[..length], rocBytes, mac);
            mac[.._rtpTagLength].CopyTo(buffer[length..]);
        }

        protectedLength = length + _rtpTagLength;
        return SrtpResult.Ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SrtpResult UnprotectCore(Span<byte> buffer, int length, out int rtpLength)
    {
        rtpLength = 0;
        if (length < RtpHeaderLength + _rtpTagLength)
        {
            return length >= 1 && buffer[0] >> 6 != 2 ? SrtpResult.BadVersion : SrtpResult.PacketTooShort;
        }

        int end = length - _rtpTagLength;
        SrtpResult parsed = SrtpPacketFormat.ParseRtpHeader(buffer[..end], out int headerLength);
        if (parsed != SrtpResult.Ok)
        {
            return parsed;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        SrtpStreamTable streams = _receive.RtpStreams;
        int slot = streams.Find(ssrc);
        ulong index;
        if (slot < 0)
        {
            // A new SSRC starts at ROC 0 (RFC 3711 section 3.3.1); it only gets a slot once authenticated.
            if (streams.IsFull)
            {
                return SrtpResult.TooManyStreams;
            }

            index = seq;
        }
        else
        {
            index = SrtpStreamTable.EstimateIndex(streams[slot].Highest, seq);
            SrtpResult replay = SrtpStreamTable.CheckReplay(streams[slot], index);
            if (replay != SrtpResult.Ok)
            {
                return replay;
            }
        }

        if (index > MaxRtpIndex)
        {
            return SrtpResult.IndexExhausted;
        }

        if (_aead)
        {
            Span<byte> nonce = stackalloc byte[12];
            SrtpPacketFormat.RtpNonce(_receive.RtpSalt, ssrc, index, nonce);
            if (!_receive.RtpGcm!.Open(nonce, buffer[..headerLength], buffer[headerLength..end], buffer[end..length]))
            {
                return SrtpResult.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, (uint)(index >> 16));
            Span<byte> mac = stackalloc byte[HmacSha1.Length];
            _receive.RtpMac!.Compute(buffer[..end], rocBytes, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac[.._rtpTagLength], buffer[end..length]))
            {
                return SrtpResult.AuthenticationFailed;
            }

            Span<byte> iv = stackalloc byte[16];
            SrtpPacketFormat.CounterIv(_receive.RtpSalt, ssrc, index, iv);
            _receive.RtpCtr!.XorKeystream(iv, 0, buffer[headerLength..end]);
        }

        if (slot < 0)
        {
            streams.Add(ssrc, index);
        }
        else
        {
            SrtpStreamTable.Accept(ref streams[slot], index);
        }

        if (!SrtpPacketFormat.PaddingIsValid(buffer, headerLength, end))
        {
            return SrtpResult.MalformedPadding;
        }

        rtpLength = end;
        return SrtpResult.Ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SrtpResult ProtectRtcpCore(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length >= 1 && buffer[0] >> 6 != 2)
        {
            return SrtpResult.BadVersion;
        }

        if (length < RtcpHeaderLength)
        {
            return SrtpResult.PacketTooShort;
        }

        if (buffer.Length - length < SrtcpIndexLength + _rtcpTagLength)
        {
            return SrtpResult.BufferTooSmall;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        SrtpStreamTable streams = _send.RtcpStreams;
        int slot = streams.Find(ssrc);
        if (slot < 0 && (slot = streams.Add(ssrc, 0)) < 0)
        {
            return SrtpResult.TooManyStreams;
        }

        ref SrtpStream stream = ref streams[slot];
        uint index = stream.NextRtcpIndex;
        if (index > MaxRtcpIndex)
        {
            return SrtpResult.IndexExhausted;
        }

        stream.NextRtcpIndex = index + 1;
        uint eIndex = EFlag | index;
        if (_aead)
        {
            Span<byte> nonce = stackalloc byte[12];
            SrtpPacketFormat.RtcpNonce(_send.RtcpSalt, ssrc, index, nonce);
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
            buffer[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], eIndex);
            _send.RtcpGcm!.Seal(nonce, aad, buffer[RtcpHeaderLength..length], buffer.Slice(length, _rtcpTagLength));
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + _rtcpTagLength)..], eIndex);
        }
        else
        {
            Span<byte> iv = stackalloc byte[16];
            SrtpPacketFormat.CounterIv(_send.RtcpSalt, ssrc, index, iv);
            _send.RtcpCtr!.XorKeystream(iv, 0, buffer[RtcpHeaderLength..length]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], eIndex);
            Span<byte> mac = stackalloc byte[HmacSha1.Length];
            _send.RtcpMac!.Compute(buffer[..(length + SrtcpIndexLength)], default, mac);
            mac[.._rtcpTagLength].CopyTo(buffer[(length + SrtcpIndexLength)..]);
        }

        protectedLength = length + SrtcpIndexLength + _rtcpTagLength;
        return SrtpResult.Ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SrtpResult UnprotectRtcpCore(Span<byte> buffer, int length, out int rtcpLength)
    {
        rtcpLength = 0;
        if (length >= 1 && buffer[0] >> 6 != 2)
        {
            return SrtpResult.BadVersion;
        }

        if (length < RtcpHeaderLength + SrtcpIndexLength + _rtcpTagLength)
        {
            return SrtpResult.PacketTooShort;
        }

        // AEAD: RTCP || ciphertext+tag || E|index. AES-CM: RTCP || E|index || tag.
        int indexOffset = _aead ? length - SrtcpIndexLength : length - _rtcpTagLength - SrtcpIndexLength;
        int end = length - SrtcpIndexLength - _rtcpTagLength;
        uint eIndex = BinaryPrimitives.ReadUInt32BigEndian(buffer[indexOffset..]);
        bool encrypted = (eIndex & EFlag) != 0;
        uint index = eIndex & MaxRtcpIndex;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);

        SrtpStreamTable streams = _receive.RtcpStreams;
        int slot = streams.Find(ssrc);
        if (slot < 0)
        {
            if (streams.IsFull)
            {
                return SrtpResult.TooManyStreams;
            }
        }
        else
        {
            SrtpResult replay = SrtpStreamTable.CheckReplay(streams[slot], index);
            if (replay != SrtpResult.Ok)
            {
                return replay;
            }
        }

        if (_aead)
        {
            Span<byte> nonce = stackalloc byte[12];
            SrtpPacketFormat.RtcpNonce(_receive.RtcpSalt, ssrc, index, nonce);
            bool ok;
            if (encrypted)
            {
                Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
                buffer[..RtcpHeaderLength].CopyTo(aad);
                BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], eIndex);
                ok = _receive.RtcpGcm!.Open(nonce, aad, buffer[RtcpHeaderLength..end], buffer.Slice(end, _rtcpTagLength));
            }
            else
            {
                // Authentication only: the whole packet and E|index are the AAD. Move the tag
                // aside so packet || E|index is contiguous.
                Span<byte> tag = stackalloc byte[AesGcmEngine.TagLength];
                buffer.Slice(end, _rtcpTagLength).CopyTo(tag);
                BinaryPrimitives.WriteUInt32BigEndian(buffer[end..], eIndex);
                ok = _receive.RtcpGcm!.Open(nonce, buffer[..(end + SrtcpIndexLength)], [], tag);
            }

            if (!ok)
            {
                return SrtpResult.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> mac = stackalloc byte[HmacSha1.Length];
            _receive.RtcpMac!.Compute(buffer[..(end + SrtcpIndexLength)], default, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac[.._rtcpTagLength], buffer.Slice(end + SrtcpIndexLength, _rtcpTagLength)))
            {
                return SrtpResult.AuthenticationFailed;
            }

            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                SrtpPacketFormat.CounterIv(_receive.RtcpSalt, ssrc, index, iv);
                _receive.RtcpCtr!.XorKeystream(iv, 0, buffer[RtcpHeaderLength..end]);
            }
        }

        if (slot < 0)
        {
            streams.Add(ssrc, index);
        }
        else
        {
            SrtpStreamTable.Accept(ref streams[slot], index);
        }

        rtcpLength = end;
        return SrtpResult.Ok;
    }

    private static SrtpSessionKeys DeriveSessionKeys(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        if (masterKey.Length != keyLength)
        {
            throw new ArgumentException($"{profile.SdesName()} needs a {keyLength}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != saltLength)
        {
            throw new ArgumentException($"{profile.SdesName()} needs a {saltLength}-byte master salt.", nameof(masterSalt));
        }

        bool aead = profile is SrtpProtectionProfile.AeadAes128Gcm or SrtpProtectionProfile.AeadAes256Gcm;
        int authLength = aead ? 0 : HmacSha1.Length;
        var keys = new SrtpSessionKeys(keyLength, saltLength, authLength);
        using var prf = new AesCtr(masterKey);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryption, keys.RtpKey);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpAuthentication, keys.RtpAuth);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSalt, keys.RtpSalt);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryption, keys.RtcpKey);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpAuthentication, keys.RtcpAuth);
        SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSalt, keys.RtcpSalt);
        return keys;
    }
}
