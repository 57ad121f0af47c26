using System.Buffers.Binary;
using VoipKit.Transport.Stun;

namespace VoipKit.Transport.Ice;

/// <summary>Writing and reading the STUN messages of connectivity checks (RFC 8445 section 7.1–7.3).</summary>
internal static class IceStunMessages
{
    /// <summary>Room for any message the agent writes.</summary>
    public const int MaxLength = 548;

    /// <summary>
    /// A Binding request for a check: USERNAME "remoteUfrag:localUfrag", PRIORITY (of a peer-reflexive candidate from this
    /// base), ICE-CONTROLLING or ICE-CONTROLLED with the tie-breaker, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY
    /// with the remote password's key, FINGERPRINT.
    /// </summary>
    public static byte[] CheckRequest(
        ReadOnlySpan<byte> transactionId, string remoteUfrag, string localUfrag, uint priority, IceRole role, ulong tieBreaker, bool useCandidate, StunHmacSha1Key remoteKey)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        Span<char> username = stackalloc char[remoteUfrag.Length + 1 + localUfrag.Length];
        remoteUfrag.AsSpan().CopyTo(username);
        username[remoteUfrag.Length] = ':';
        localUfrag.AsSpan().CopyTo(username[(remoteUfrag.Length + 1)..]);
        w.AddString(StunAttributeType.Username, username);
        w.AddUInt32(StunAttributeType.Priority, priority);
        w.AddUInt64(role == IceRole.Controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled, tieBreaker);
        if (useCandidate)
        {
            w.AddFlag(StunAttributeType.UseCandidate);
        }

        w.AddMessageIntegrity(remoteKey);
        w.AddFingerprint();
        if (!w.TryComplete(out int length))
        {
            throw new InvalidOperationException("Check request too long (ufrags over 256 chars?).");
        }

        return buffer[..length].ToArray();
    }

    /// <summary>The 487 (Role Conflict) error response, signed with our key (section 7.3.1.1).</summary>
    public static int RoleConflict(ReadOnlySpan<byte> transactionId, StunHmacSha1Key localKey, Span<byte> response)
    {
        var w = new StunMessageWriter(response, new StunMessageType(StunConstants.BindingMethod, StunClass.ErrorResponse), transactionId);
        w.AddErrorCode(487, "Role Conflict");
        w.AddMessageIntegrity(localKey);
        w.AddFingerprint();
        w.TryComplete(out int length);
        return length;
    }

    /// <summary>Whether USERNAME is "ourUfrag:something" (section 7.3: the first part names us).</summary>
    public static bool UsernameIsFor(in StunMessage request, string localUfrag)
    {
        if (!request.TryGetAttribute(StunAttributeType.Username, out ReadOnlySpan<byte> username))
        {
            return false;
        }

        int colon = username.IndexOf((byte)':');
        if (colon != localUfrag.Length || colon + 1 >= username.Length)
        {
            return false;
        }

        for (int i = 0; i < colon; i++)
        {
            if (username[i] != localUfrag[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The prepared short-term key of a password (SASLprep(password)); the intermediate key bytes are wiped.</summary>
    public static StunHmacSha1Key PrepareKey(string password)
    {
        byte[] raw = StunIntegrity.ShortTermKey(password);
        try
        {
            return new StunHmacSha1Key(raw);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>A transaction ID as a dictionary key.</summary>
    public static StunClient.TransactionKey Key(ReadOnlySpan<byte> transactionId) => StunClient.TransactionKey.From(transactionId);

    /// <summary>Reads the role attribute of a request: the sender's role and tie-breaker.</summary>
    public static bool TryGetRole(in StunMessage request, out IceRole role, out ulong tieBreaker)
    {
        if (request.TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker))
        {
            role = IceRole.Controlling;
            return true;
        }

        if (request.TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker))
        {
            role = IceRole.Controlled;
            return true;
        }

        role = default;
        return false;
    }

    /// <summary>A random 64-bit tie-breaker.</summary>
    public static ulong NewTieBreaker()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
