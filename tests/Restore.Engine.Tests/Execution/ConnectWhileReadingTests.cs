using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Storage;
using Restore.Engine.Tests.Reliability;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>The cluster is connected to while the backup is read, not after.</summary>
public class ConnectWhileReadingTests
{
    [Fact]
    public async Task DiscoveryRunsWhileTheBackupTarballIsStillBeingOpened()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3));
        var server = h.Server;
        var sawDiscoveryBeforeTarball = false;
        var tarballReads = 0;
        using var location = StorageLocation.Decorate(h.Storage.Options, h.Log, inner => new FaultyObjectStore(inner)
        {
            // Hold the tarball's read until the server has answered discovery: were the connection made only after the
            // backup is read, this would wait out its 10 seconds and see no discovery.
            OnRead = key =>
            {
                if (key.EndsWith(".tar.gz", StringComparison.Ordinal) && Interlocked.Increment(ref tarballReads) == 1)
                {
                    sawDiscoveryBeforeTarball = SpinWait.SpinUntil(() => server.Journal.Entries.Any(e => e.Path == "/api" && e.StatusCode == 200), TimeSpan.FromSeconds(10));
                }

                return null;
            },
        });

        var result = await new RestoreEngine(location, h.Log).RunAsync(h.Request("b1", "r-overlap"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.True(tarballReads >= 1, "the tarball was never read");
        Assert.True(sawDiscoveryBeforeTarball, "discovery did not start until the backup had been read");
        Assert.Equal(3, server.Store.Count("configmaps", "shop"));
    }

    [Fact]
    public async Task ABrokenBackupStillEndsCleanlyWhenTheClusterIsUnreachable()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3));
        using var location = StorageLocation.Decorate(h.Storage.Options, h.Log, inner => new FaultyObjectStore(inner)
        {
            OnRead = key => key.EndsWith(".tar.gz", StringComparison.Ordinal) ? new System.IO.IOException("the disk is gone") : null,
        });
        await h.Server.DisposeAsync();

        var result = await new RestoreEngine(location, h.Log).RunAsync(h.Request("b1", "r-broken"), null, null, CancellationToken.None);

        // The backup's failure is the restore's; the connection started alongside it is closed without a word.
        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.Contains("the disk is gone", result.Record.FailureReason, StringComparison.Ordinal);
        Assert.DoesNotContain("could not connect", result.Record.FailureReason, StringComparison.Ordinal);
    }
}
