using System.Diagnostics;
using System.Text.RegularExpressions;
using VoipKit.Transport.Tests.Interop;

namespace VoipKit.Interop.Tests.Relay;

/// <summary>
/// What coturn says in its log (simple-log, verbose) about allocations: how many it granted and how many were deleted
/// (a Refresh with LIFETIME 0, RFC 8656 section 7). coturn writes its log asynchronously, so counts are waited for.
/// </summary>
internal static partial class CoturnLog
{
    /// <summary>Allocations coturn granted so far.</summary>
    public static int Granted(CoturnServer coturn) => AllocateSuccess().Count(coturn.ReadLog());

    /// <summary>Allocations the clients deleted so far.</summary>
    public static int Deleted(CoturnServer coturn) => RefreshToZero().Count(coturn.ReadLog());

    /// <summary>Waits until <paramref name="count"/> returns at least <paramref name="expected"/>, at most <paramref name="timeout"/>; returns the last count.</summary>
    public static async Task<int> WaitForAsync(CoturnServer coturn, Func<CoturnServer, int> count, int expected, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        int n = count(coturn);
        while (n < expected && elapsed.Elapsed < timeout)
        {
            await Task.Delay(50);
            n = count(coturn);
        }

        return n;
    }

    [GeneratedRegex(@"incoming packet ALLOCATE processed, success")]
    private static partial Regex AllocateSuccess();

    [GeneratedRegex(@"refreshed, realm=<[^>]*>, username=<[^>]*>, lifetime=0\b")]
    private static partial Regex RefreshToZero();
}
