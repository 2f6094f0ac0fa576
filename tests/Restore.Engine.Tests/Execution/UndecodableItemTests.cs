using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>
/// An item file whose JSON cannot be decoded is an error of that item, in a folder restore, a cluster restore and a
/// plan alike: the restore ends PartiallyFailed, names the file, and restores the rest (issue 15).
/// </summary>
public class UndecodableItemTests
{
    private const string BrokenPath = "resources/configmaps/namespaces/shop/broken.json";

    // Each is something System.Text.Json refuses somewhere: while reading, when a nested object is materialised, or
    // when the object is written back.
    public static TheoryData<string, string> BrokenItems() => new()
    {
        { "not-json", "{not json" },
        { "not-an-object", "[1,2]" },
        { "lone-surrogate", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken","namespace":"shop"},"data":{"a":"\ud800"}}""" },
        { "lone-surrogate-in-label", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken","namespace":"shop","labels":{"x":"\udc00"}},"data":{"a":"b"}}""" },
        { "truncated", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken","namespace":"shop"},"data":{"a":""" },
    };

    private static VeleroBackupBuilder Backup(string json) => new VeleroBackupBuilder("b1")
        .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
        .AddItem("configmaps", "shop", "a-good", K8s.ConfigMap("shop", "a-good", ("k", "v")))
        .AddItem("configmaps", "shop", "broken", json)
        .AddItem("configmaps", "shop", "z-good", K8s.ConfigMap("shop", "z-good", ("k", "v")))
        .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web"));

    [Theory]
    [MemberData(nameof(BrokenItems))]
    public async Task AFolderRestoreRecordsTheItemAsFailedAndWritesTheRest(string caseName, string json)
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(Backup(json));
        var folder = h.NewFolder();
        var outcomes = new ConcurrentQueue<RestoreItemOutcome>();

        var result = await h.Engine().RunAsync(new RestoreRequest { Name = "r-" + caseName, Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = folder }, null, outcomes.Enqueue, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Empty(result.TargetFailures);
        var error = Assert.Single(result.Results.Errors.All());
        Assert.Contains(BrokenPath, error.Text, StringComparison.Ordinal);
        Assert.Contains(BrokenPath, result.Record.FailureReason, StringComparison.Ordinal);
        var files = Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        Assert.Contains(files, f => f!.EndsWith("-configmap-shop-a-good.yaml", StringComparison.Ordinal));
        Assert.Contains(files, f => f!.EndsWith("-configmap-shop-z-good.yaml", StringComparison.Ordinal));
        Assert.Contains(files, f => f!.EndsWith("-deployment-shop-web.yaml", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.Contains("broken", StringComparison.Ordinal));
        var failed = Assert.Single(outcomes, o => o.Name == "broken");
        Assert.Equal(ItemRestoreAction.Failed, failed.Action);
        Assert.Contains(BrokenPath, failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BrokenItems))]
    public async Task AClusterRestoreRecordsTheItemAsFailedAndCreatesTheRest(string caseName, string json)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(Backup(json));

        var result = await h.Engine().RunAsync(h.Request("b1", "r-" + caseName), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.All());
        Assert.Contains(BrokenPath, error.Text, StringComparison.Ordinal);
        Assert.NotNull(h.Server.Store.Get("configmaps", "shop", "a-good"));
        Assert.NotNull(h.Server.Store.Get("configmaps", "shop", "z-good"));
        Assert.NotNull(h.Server.Store.Get("deployments.apps", "shop", "web"));
    }

    [Theory]
    [MemberData(nameof(BrokenItems))]
    public async Task APlanShowsTheItemAsFailed(string caseName, string json)
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(Backup(json));

        var preview = await h.Engine().PlanAsync(new RestoreRequest { Name = "r-" + caseName, Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = h.NewFolder() }, CancellationToken.None);

        var plan = Assert.Single(preview.Targets).Plan!;
        Assert.Null(Assert.Single(preview.Targets).Error);
        var broken = Assert.Single(plan.Items, i => i.Path == BrokenPath);
        Assert.Equal(PlanDecision.Failed, broken.Decision);
        Assert.Contains(BrokenPath, Assert.Single(plan.Results.Errors.All()).Text, StringComparison.Ordinal);
        Assert.Equal(4, plan.Summary.ToCreate + plan.Summary.NamespacesToEnsure);
    }

    [Fact]
    public async Task ANestedDuplicateKeyKeepsTheLastValueInAFolderAsOnTheServer()
    {
        // Go's decoder (Velero) and the API server keep the last of duplicate keys; the folder restore used to stop.
        const string Json = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","namespace":"shop"},"data":{"a":"first","a":"last"}}""";
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("configmaps", "shop", "dup", Json));
        var folder = h.NewFolder();

        var toFolder = await h.Engine().RunAsync(new RestoreRequest { Name = "r-folder", Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = folder }, null, null, CancellationToken.None);
        var toCluster = await h.Engine().RunAsync(h.Request("b1", "r-cluster"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, toFolder.Phase);
        Assert.Equal(RestorePhase.Completed, toCluster.Phase);
        var written = Directory.GetFiles(folder, "*-configmap-shop-dup.yaml", SearchOption.AllDirectories);
        var obj = Restore.Engine.Kubernetes.ManifestYaml.Parse(File.ReadAllText(Assert.Single(written)), "test")!.AsObject();
        Assert.Equal("last", (string?)obj["data"]!["a"]);
        Assert.NotNull(h.Server.Store.Get("configmaps", "shop", "dup"));
    }
}
