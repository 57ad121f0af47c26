using System.Runtime.InteropServices;

namespace VoipKit.Crypto;

/// <summary>
/// OpenSSL's low-level SHA1_Init/SHA1_Update/SHA1_Final, bound at run time from libcrypto when
/// present (Linux, where the BCL uses the same library). They skip the EVP layer whose per-call
/// cost dominates small packets. Absent or incomplete: <see cref="IsAvailable"/> is false.
/// </summary>
internal static unsafe class NativeSha1
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> InitFn;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> UpdateFn;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> FinalFn;

#pragma warning disable CA1810 // One library probe fills three fields; an initializer per field would probe three times.
    static NativeSha1()
#pragma warning restore CA1810
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (string name in (string[])["libcrypto.so.3", "libcrypto.so"])
        {
            if (NativeLibrary.TryLoad(name, out nint lib)
                && NativeLibrary.TryGetExport(lib, "SHA1_Init", out nint init)
                && NativeLibrary.TryGetExport(lib, "SHA1_Update", out nint update)
                && NativeLibrary.TryGetExport(lib, "SHA1_Final", out nint final))
            {
                InitFn = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
                UpdateFn = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
                FinalFn = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
                IsAvailable = true;
                return;
            }
        }
    }

    /// <summary>True when libcrypto's SHA-1 functions were found.</summary>
    public static bool IsAvailable { get; }

    public static void Init(byte* ctx) => InitFn(ctx);

    public static void Update(byte* ctx, byte* data, nuint length) => UpdateFn(ctx, data, length);

    public static void Final(byte* digest, byte* ctx) => FinalFn(digest, ctx);
}
