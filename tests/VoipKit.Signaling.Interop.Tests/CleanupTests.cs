using VoipKit.Signaling.Interop.Tests.Infrastructure;

namespace VoipKit.Signaling.Interop.Tests;

/// <summary>The fixtures leave no process and no temp directory behind, also when a start fails.</summary>
[Collection(RealPeersGroup.Name)]
[Trait("Category", "RealPeers")]
public sealed class CleanupTests
{
    [Fact]
    public async Task Disposed_kamailio_leaves_no_process_and_no_directory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var kamailio = await KamailioServer.StartAsync(new KamailioOptions { WithAuth = true }, timeout.Token);
        var dir = kamailio.Directory;
        var running = ProcessTable.WithCommandLineContaining(dir);

        await kamailio.DisposeAsync();

        Assert.True(running.Count > 1, $"kamailio forks workers; found only [{string.Join(", ", running)}]");
        Assert.Empty(ProcessTable.WithCommandLineContaining(dir));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Disposed_waiting_sipp_uas_leaves_no_process_and_no_directory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var uas = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);
        var dir = uas.Directory;
        IReadOnlyList<int> running;
        try
        {
            running = ProcessTable.WithCommandLineContaining(dir);
        }
        finally
        {
            await uas.DisposeAsync();
        }

        Assert.NotEmpty(running); // timeout and sipp

        Assert.Empty(ProcessTable.WithCommandLineContaining(dir));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Cancelled_wait_kills_sipp_and_returns_its_logs()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var uas = await Sipp.StartUasAsync("uas-answer-bye.xml", "bob", timeout.Token);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var result = await uas.WaitForExitAsync(cancel.Token);

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Empty(ProcessTable.WithCommandLineContaining(uas.Directory));
    }

    [Fact]
    public async Task Kamailio_that_is_never_disposed_ends_after_its_max_lifetime()
    {
        // What happens when the test host dies without disposing: timeout ends the whole group.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var kamailio = await KamailioServer.StartAsync(new KamailioOptions { MaxLifetime = TimeSpan.FromSeconds(2) }, timeout.Token);
        Assert.NotEmpty(ProcessTable.WithCommandLineContaining(kamailio.Directory));

        while (ProcessTable.WithCommandLineContaining(kamailio.Directory).Count > 0)
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task Bad_config_fails_the_start_with_kamailio_output_and_cleans_up()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var template = Path.Combine(Path.GetTempPath(), $"voipkit-bad-{Environment.ProcessId}.cfg");
        await File.WriteAllTextAsync(template, "#!KAMAILIO\nlisten=udp:127.0.0.1:{{PORT}}\nloadmodule \"no_such_module.so\"\n", timeout.Token);
        var before = Directory.GetDirectories(Path.GetTempPath(), "voipkit-kamailio-*").ToHashSet();
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(
                () => KamailioServer.StartAsync(new KamailioOptions { ConfigTemplate = template }, timeout.Token));

            Assert.Contains("kamailio -c rejected", failure.Message, StringComparison.Ordinal);
            Assert.Contains("no_such_module", failure.Message, StringComparison.Ordinal);
            var left = Directory.GetDirectories(Path.GetTempPath(), "voipkit-kamailio-*").Where(d => !before.Contains(d)).ToList();
            Assert.Empty(left);
            Assert.Empty(ProcessTable.WithCommandLineContaining(template));
        }
        finally
        {
            File.Delete(template);
        }
    }
}
