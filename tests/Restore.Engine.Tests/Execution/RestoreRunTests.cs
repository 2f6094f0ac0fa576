using System;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

public class RestoreRunTests
{
    private static VeleroBackupBuilder ShopBackup(string name = "shop-backup") =>
        new VeleroBackupBuilder(name)
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop", ("team", "web")))
            .AddItem("configmaps", "shop", "web-config", K8s.ConfigMap("shop", "web-config", ("color", "blue")))
            .AddItem("secrets", "shop", "web-secret", K8s.Secret("shop", "web-secret", "password", "hunter2"))
            .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web", 2));

    [Fact]
    public async Task RestoresABackupIntoAClusterAndRecordsEverything()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ShopBackup());
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<RestoreItemOutcome>();

        var result = await h.Engine().RunAsync(h.Request("shop-backup", "r1"), null, outcomes.Add, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Null(result.Record.FailureReason);
        var deployment = h.Server.Store.Get("deployments.apps", "shop", "web");
        Assert.NotNull(deployment);
        Assert.Equal("r1", (string?)deployment!["metadata"]!["labels"]!["velero.io/restore-name"]);
        Assert.Equal("shop-backup", (string?)deployment["metadata"]!["labels"]!["velero.io/backup-name"]);
        Assert.Equal("web", (string?)h.Server.Store.Get("namespaces", null, "shop")!["metadata"]!["labels"]!["team"]);
        Assert.Null(h.Server.Store.Get("namespaces", null, "shop")!["metadata"]!["labels"]!["velero.io/restore-name"]);

        // Every planned item ends with an outcome; the counts add up.
        Assert.Equal(4, outcomes.Count);
        Assert.Equal(4, result.Record.TotalItems);
        Assert.Equal(4, result.Record.ItemsRestored);
        Assert.All(outcomes, o => Assert.Equal(ItemRestoreAction.Created, o.Action));

        var records = h.Records();
        var stored = await records.GetAsync("r1", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(RestorePhase.Completed, stored!.Phase);
        Assert.Equal("token-user", stored.CreatedBy);
        Assert.Equal("shop-backup", stored.BackupName);
        Assert.Single(stored.Targets);
        Assert.Equal(h.Context(), stored.Targets[0].Name);
        Assert.Equal(RestorePhase.Completed, stored.Targets[0].Phase);
        Assert.NotNull(stored.CompletionTimestamp);

        var log = await records.ReadLogTextAsync("r1", CancellationToken.None);
        Assert.NotNull(log);
        var lines = log!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("msg=\"restore completed\"", lines[^1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Restored 4 items out of an estimated total of 4", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains("restore=velero/r1", l, StringComparison.Ordinal));

        var outcomesStored = await records.ReadItemOutcomesAsync("r1", CancellationToken.None);
        Assert.Equal(4, outcomesStored.Count);
        var results = await records.ReadResultsAsync("r1", CancellationToken.None);
        Assert.NotNull(results);
        Assert.Equal(0, results!.Errors.Count);

        var list = await h.Location!.Store.ReadAllBytesAsync(h.Location.Layout.RestoreResourceListKey("r1"), CancellationToken.None);
        var map = (JsonObject)GzipJson.Decode(list)!;
        Assert.Equal("[\"shop(created)\"]", map["v1/Namespace"]!.ToJsonString());
        Assert.Equal("[\"shop/web(created)\"]", map["apps/v1/Deployment"]!.ToJsonString());
        Assert.True(await h.Location.Store.ExistsAsync(h.Location.Layout.RestoreItemOperationsKey("r1"), CancellationToken.None));
        Assert.True(await h.Location.Store.ExistsAsync(h.Location.Layout.RestoreVolumeInfoKey("r1"), CancellationToken.None));
    }
}
