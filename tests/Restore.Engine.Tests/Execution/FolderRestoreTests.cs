using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Kubernetes;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Restores into a folder, and the committed sample backup end to end.</summary>
public class FolderRestoreTests
{
    private static RestoreRequest FolderRequest(ExecutionHarness h, string backup, string name, string folder) => new()
    {
        Name = name,
        Spec = new RestoreSpec { BackupName = backup },
        ToDirectory = folder,
    };

    private static string[] YamlFiles(string folder) =>
        Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public async Task WritesOneYamlFilePerObjectInRestoreOrderWithSafeNames()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        var role = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = K8s.Meta("system:node-proxier"),
            ["rules"] = new JsonArray(),
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("configmaps", "shop", "web-config", K8s.ConfigMap("shop", "web-config", ("color", "blue")))
            .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web"))
            .AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, "system:node-proxier", role)
            .AddItem("pods", "shop", "done", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = K8s.Meta("done", "shop"),
                ["spec"] = new JsonObject { ["containers"] = new JsonArray() },
                ["status"] = new JsonObject { ["phase"] = "Succeeded" },
            }));
        var folder = h.NewFolder();

        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<RestoreItemOutcome>();
        var result = await h.Engine().RunAsync(FolderRequest(h, "b1", "r-folder", folder), null, outcomes.Enqueue, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var files = YamlFiles(folder);
        Assert.Equal(4, files.Length);
        Assert.StartsWith("000-namespaces/", files[0], StringComparison.Ordinal);
        Assert.EndsWith("-shop.yaml", files[0], StringComparison.Ordinal);
        Assert.Contains(files, f => f.EndsWith("-clusterrole-system%3Anode-proxier.yaml", StringComparison.Ordinal));
        Assert.All(files, f => Assert.DoesNotContain(':', f));

        // Lexical order (what kubectl apply --recursive walks) is the restore order: namespaces, then tiers in order.
        var tierOf = files.Select(f => f.Substring(0, f.IndexOf('/', StringComparison.Ordinal))).ToArray();
        Assert.Equal(tierOf.OrderBy(t => t, StringComparer.Ordinal).ToArray(), tierOf);
        var configMapIndex = Array.FindIndex(files, f => f.Contains("-configmaps/", StringComparison.Ordinal));
        var deploymentIndex = Array.FindIndex(files, f => f.Contains("-deployments.apps/", StringComparison.Ordinal));
        Assert.True(configMapIndex < deploymentIndex, string.Join(", ", files));

        var deployment = ManifestYaml.Parse(File.ReadAllText(Path.Combine(folder, files[deploymentIndex])), "test")!.AsObject();
        Assert.Equal("Deployment", (string?)deployment["kind"]);
        Assert.Equal("r-folder", (string?)deployment["metadata"]!["labels"]!["velero.io/restore-name"]);
        Assert.Null(deployment["status"]);
        Assert.Null(deployment["metadata"]!["uid"]);

        // The completed pod is skipped, with a reason, and not written.
        var pod = Assert.Single(outcomes, o => o.Kind == "Pod");
        Assert.Equal(ItemRestoreAction.Skipped, pod.Action);
        Assert.Contains("completed", pod.Message, StringComparison.Ordinal);
        Assert.Equal(5, result.Record.ItemsRestored);

        var stored = await h.Records().GetAsync("r-folder", CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, stored!.Phase);
        Assert.Equal(Environment.UserName, stored.CreatedBy);
        Assert.Equal("directory", stored.Targets.Single().Kind);
        Assert.Equal(folder, stored.Targets.Single().Name);
        Assert.Contains("restore completed", await h.Records().ReadLogTextAsync("r-folder", CancellationToken.None), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ANonEmptyFolderIsRefusedUnlessForced()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        var folder = h.NewFolder();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "mine");

        var refused = await Assert.ThrowsAsync<RestoreValidationException>(() => h.Engine().RunAsync(FolderRequest(h, "b1", "r-nonempty", folder), null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.TargetUnusable, refused.Problem);
        Assert.Contains("-Force", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Records().ListNamesAsync(CancellationToken.None));

        var relative = FolderRequest(h, "b1", "r-relative", "relative/out");
        Assert.Equal(RestoreValidationProblem.TargetUnusable, (await Assert.ThrowsAsync<RestoreValidationException>(() => h.Engine().RunAsync(relative, null, null, CancellationToken.None))).Problem);

        var forced = FolderRequest(h, "b1", "r-forced", folder);
        forced.Force = true;
        var result = await h.Engine().RunAsync(forced, null, null, CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(3, YamlFiles(folder).Length);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "keep.txt")));
    }

    [Fact]
    public async Task WhatIfAndPlanForAFolderCreateNothing()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        var folder = h.NewFolder();
        var request = FolderRequest(h, "b1", "r-dry", folder);

        var whatIf = await h.Engine().DescribeAsync(request, CancellationToken.None);
        var plan = await h.Engine().PlanAsync(request, CancellationToken.None);

        Assert.Equal($"Restore backup 'b1' (3 items) into folder '{folder}' as restore 'r-dry'", Assert.Single(whatIf.Lines));
        var target = Assert.Single(plan.Targets);
        Assert.Equal("directory", target.Target.Kind);
        Assert.Equal(2, target.Plan!.Summary.ToCreate);
        Assert.Empty(target.Predictions);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(await h.Records().ListNamesAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("system:node-proxier", "system%3Anode-proxier")]
    [InlineData("a<b>c|d?e*f\"g\\h", "a%3Cb%3Ec%7Cd%3Fe%2Af%22g%5Ch")]
    [InlineData("con", "%63on")]
    [InlineData("NUL.txt", "%4EUL.txt")]
    [InlineData(".hidden", "%2Ehidden")]
    [InlineData("plain-name.v1", "plain-name.v1")]
    public void FileNamesAreEncodedForWindows(string name, string expected) => Assert.Equal(expected, FolderLayout.Encode(name));

    private static string CopySample(ExecutionHarness h)
    {
        // The committed location is copied so that the restore's record never lands in the repository.
        var target = h.Storage.Folder!;
        foreach (var file in Directory.GetFiles(SampleBackup.CommittedLocation, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(SampleBackup.CommittedLocation, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    [Fact]
    public async Task TheSampleBackupRestoresIntoAFolder()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        CopySample(h);
        var folder = h.NewFolder();

        var result = await h.Engine().RunAsync(FolderRequest(h, SampleBackup.Name, "sample-folder", folder), null, null, CancellationToken.None);

        Assert.True(result.Phase == RestorePhase.Completed, result.Record.FailureReason);
        var files = YamlFiles(folder);
        Assert.Contains(files, f => f.EndsWith("-deployment-demo-web.yaml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("demo%3Aweb-reader", StringComparison.Ordinal));
        Assert.Equal(result.Record.ItemsRestored, result.Record.TotalItems);
    }

    [Fact]
    public async Task TheSampleBackupRestoresIntoTheTestServer()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        CopySample(h);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request(SampleBackup.Name, "sample-cluster"));

        Assert.True(result.Phase == RestorePhase.Completed, result.Record.FailureReason);
        Assert.NotNull(h.Server.Store.Get("deployments.apps", "demo", "web"));
        Assert.NotNull(h.Server.Store.Get("clusterroles.rbac.authorization.k8s.io", null, "demo:web-reader"));
        Assert.NotNull(h.Server.Store.Get("secrets", "demo", "web-credentials"));
        Assert.NotNull(h.Server.Store.Get("persistentvolumeclaims", "demo", "web-data"));
        Assert.Equal(result.Record.TotalItems, outcomes.Count);
        Assert.All(outcomes, o => Assert.False(string.IsNullOrEmpty(o.Kind)));

        // The dynamically provisioned volume (reclaim policy Delete) is left to its claim, with a reason.
        var pv = Assert.Single(outcomes, o => o.Kind == "PersistentVolume");
        Assert.Equal(ItemRestoreAction.Skipped, pv.Action);
        Assert.False(string.IsNullOrEmpty(pv.Message));

        // The default service account exists in a new namespace and is merged or skipped, never an error.
        Assert.Equal(0, result.Record.Errors);
    }
}
