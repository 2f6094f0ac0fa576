using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Model;
using Restore.Engine.Records;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Existing objects (docs/velero-compatibility.md#existing-resource-policy) against the test API server: each policy with equal and different live objects, and the per-kind paths.</summary>
public class ExistingObjectTests
{
    internal static async Task<(RestoreRunResult Result, List<RestoreItemOutcome> Outcomes)> RunAsync(ExecutionHarness h, RestoreRequest request)
    {
        var outcomes = new ConcurrentQueue<RestoreItemOutcome>();
        var result = await h.Engine().RunAsync(request, null, outcomes.Enqueue, CancellationToken.None);
        return (result, outcomes.ToList());
    }

    private static RestoreItemOutcome Outcome(List<RestoreItemOutcome> outcomes, string kind, string name) =>
        Assert.Single(outcomes, o => o.Kind == kind && o.Name == name);

    private static JsonObject SeedConfigMap(ExecutionHarness h, string color, bool immutable = false)
    {
        var cm = K8s.ConfigMap("shop", "web-config", ("color", color));
        if (immutable)
        {
            cm["immutable"] = true;
        }

        return h.Seed(cm);
    }

    private static VeleroBackupBuilder ConfigMapBackup(bool immutable = false)
    {
        var cm = K8s.ConfigMap("shop", "web-config", ("color", "blue"));
        if (immutable)
        {
            cm["immutable"] = true;
        }

        return new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("configmaps", "shop", "web-config", cm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public async Task ADifferentObjectWithoutUpdateIsLeftAloneWithVelerosWarningAndListedFailed(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        var request = h.Request("b1", "r-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        var expected = policy == "none"
            ? "could not restore, ConfigMap \"web-config\" already exists. Warning: the in-cluster version is different than the backed-up version"
            : "could not restore, ConfigMap:web-config already exists. Warning: the in-cluster version is different than the backed-up version";
        Assert.Equal(RestorePhase.Completed, result.Phase); // warnings never change the phase
        Assert.Equal(1, result.Record.Warnings);
        Assert.Equal(new[] { expected }, result.Results.Warnings.Namespaces["shop"]);
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal(ItemRestoreAction.Failed, outcome.Action);
        Assert.StartsWith(expected, outcome.Message, StringComparison.Ordinal);
        Assert.Contains("data.color", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("red", (string?)h.Server.Store.Get("configmaps", "shop", "web-config")!["data"]!["color"]);
        Assert.Null(h.Server.Store.Get("configmaps", "shop", "web-config")!["metadata"]!["labels"]!["velero.io/restore-name"]);
    }

    [Fact]
    public async Task ADifferentObjectWithUpdateIsMergePatchedAndListedUpdated()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        var request = h.Request("b1", "r-update");
        request.Spec.ExistingResourcePolicy = "update";

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings);
        Assert.Equal(ItemRestoreAction.Updated, Outcome(outcomes, "ConfigMap", "web-config").Action);
        var live = h.Server.Store.Get("configmaps", "shop", "web-config")!;
        Assert.Equal("blue", (string?)live["data"]!["color"]);
        Assert.Equal("r-update", (string?)live["metadata"]!["labels"]!["velero.io/restore-name"]);
        var list = await ResourceListAsync(h, "r-update");
        Assert.Equal("[\"shop/web-config(updated)\"]", list["v1/ConfigMap"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("update")]
    public async Task AnEqualObjectIsSkippedAndWithUpdateOnlyGetsTheRestoreLabels(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "blue");
        var request = h.Request("b1", "r-eq-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings + result.Record.Errors);
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal(ItemRestoreAction.Skipped, outcome.Action);
        Assert.Contains("same as the backed-up version", outcome.Message, StringComparison.Ordinal);
        var labels = h.Server.Store.Get("configmaps", "shop", "web-config")!["metadata"]!["labels"]!;
        Assert.Equal(policy == "update" ? "r-eq-update" : null, (string?)labels["velero.io/restore-name"]);
        Assert.Equal(policy == "update" ? "b1" : null, (string?)labels["velero.io/backup-name"]);
        var list = await ResourceListAsync(h, request.Name!);
        Assert.Equal("[\"shop/web-config(skipped)\"]", list["v1/ConfigMap"]!.ToJsonString());
    }

    [Fact]
    public async Task AnUpdateTheServerRefusesGivesAWarningThenALabelsOnlyPatch()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup(immutable: true));
        SeedConfigMap(h, "red", immutable: true);
        var request = h.Request("b1", "r-immutable");
        request.Spec.ExistingResourcePolicy = "update";

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var warning = Assert.Single(result.Results.Warnings.Namespaces["shop"]);
        Assert.Contains("immutable", warning, StringComparison.Ordinal);
        Assert.Equal(ItemRestoreAction.Failed, Outcome(outcomes, "ConfigMap", "web-config").Action);
        var live = h.Server.Store.Get("configmaps", "shop", "web-config")!;
        Assert.Equal("red", (string?)live["data"]!["color"]);
        Assert.Equal("r-immutable", (string?)live["metadata"]!["labels"]!["velero.io/restore-name"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public async Task AnExistingServiceAccountIsMergedUnderAnyPolicy(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var sa = K8s.ServiceAccount("shop", "builder", "registry-a", "builder-token-abcde");
        sa["imagePullSecrets"] = new JsonArray(new JsonObject { ["name"] = "pull-a" });
        ((JsonObject)sa["metadata"]!)["annotations"] = new JsonObject { ["team"] = "web", ["owner"] = "backup" };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("serviceaccounts", "shop", "builder", sa));
        var live = K8s.ServiceAccount("shop", "builder", "registry-b");
        ((JsonObject)live["metadata"]!)["annotations"] = new JsonObject { ["owner"] = "cluster" };
        h.Seed(live);
        var request = h.Request("b1", "r-sa-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings);
        Assert.Equal(ItemRestoreAction.Updated, Outcome(outcomes, "ServiceAccount", "builder").Action);
        var merged = h.Server.Store.Get("serviceaccounts", "shop", "builder")!;
        Assert.Equal(new[] { "registry-b", "registry-a" }, ((JsonArray)merged["secrets"]!).Select(s => (string?)s!["name"]).ToArray());
        Assert.Equal("pull-a", (string?)merged["imagePullSecrets"]![0]!["name"]);
        Assert.Equal("cluster", (string?)merged["metadata"]!["annotations"]!["owner"]);
        Assert.Equal("web", (string?)merged["metadata"]!["annotations"]!["team"]);
    }

    [Fact]
    public async Task StatusIsRestoredForCreatedObjectsWhenTheSpecAsks()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web", 3))
            .AddItem("deployments.apps", "shop", "old", K8s.Deployment("shop", "old", 3)));
        h.Seed(K8s.Deployment("shop", "old", 3));
        var request = h.Request("b1", "r-status");
        request.Spec.RestoreStatus = new RestoreStatusSpec { IncludedResources = new List<string> { "deployments.apps" } };

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(3, (int?)h.Server.Store.Get("deployments.apps", "shop", "web")!["status"]!["readyReplicas"]);
        Assert.Equal(ItemRestoreAction.Skipped, Outcome(outcomes, "Deployment", "old").Action);
        Assert.Null(h.Server.Store.Get("deployments.apps", "shop", "old")!["status"]!["readyReplicas"]);
    }

    [Fact]
    public async Task AServiceWhoseNodePortIsTakenByItselfCountsAsExisting()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var svc = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = K8s.Meta("web", "shop"),
            ["spec"] = new JsonObject
            {
                ["type"] = "NodePort",
                ["clusterIP"] = "10.96.0.50",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["targetPort"] = 8080, ["nodePort"] = 30080 }),
                ["selector"] = new JsonObject { ["app"] = "web" },
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("services", "shop", "web", svc));
        var live = (JsonObject)svc.DeepClone();
        ((JsonObject)live["spec"]!).Remove("clusterIP");
        h.Seed(live);
        var request = h.Request("b1", "r-svc");
        request.Spec.PreserveNodePorts = true;

        var (result, outcomes) = await RunAsync(h, request);

        // The server answers the create with the port error (422), not AlreadyExists: that is the path under test.
        Assert.Contains(h.Server.Journal.Entries, e => e.Verb == "create" && e.Resource == "services" && e.StatusCode == 422);
        var outcome = Outcome(outcomes, "Service", "web");
        Assert.NotEqual(ItemRestoreAction.Created, outcome.Action);
        Assert.Equal(0, result.Record.Errors);
        Assert.DoesNotContain(result.Results.Errors.All(), m => m.Text.Contains("already allocated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServiceWhoseNodePortIsTakenByAnotherServiceFailsWithTheServersError()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        JsonObject Service(string name) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = K8s.Meta(name, "shop"),
            ["spec"] = new JsonObject
            {
                ["type"] = "NodePort",
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["protocol"] = "TCP", ["nodePort"] = 30081 }),
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("services", "shop", "web", Service("web")));
        h.Seed(Service("other"));
        var request = h.Request("b1", "r-svc2");
        request.Spec.PreserveNodePorts = true;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.Namespaces["shop"]);
        Assert.StartsWith("error restoring services/shop/web: ", error, StringComparison.Ordinal);
        Assert.Contains("provided port is already allocated", error, StringComparison.Ordinal);
        Assert.Equal(ItemRestoreAction.Failed, Outcome(outcomes, "Service", "web").Action);
        Assert.Contains("1 error", result.Record.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClaimAndItsRetainedVolumeAreRestoredWithBindingInfoReset()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var pv = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = K8s.Meta("pv-data"),
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["persistentVolumeReclaimPolicy"] = "Retain",
                ["hostPath"] = new JsonObject { ["path"] = "/data" },
                ["claimRef"] = new JsonObject { ["kind"] = "PersistentVolumeClaim", ["namespace"] = "shop", ["name"] = "data", ["uid"] = "old-uid", ["resourceVersion"] = "42" },
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        };
        ((JsonObject)pv["metadata"]!)["annotations"] = new JsonObject { ["pv.kubernetes.io/bound-by-controller"] = "yes" };
        var pvc = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = K8s.Meta("data", "shop"),
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
                ["volumeName"] = "pv-data",
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        };
        ((JsonObject)pvc["metadata"]!)["annotations"] = new JsonObject { ["pv.kubernetes.io/bind-completed"] = "yes", ["volume.kubernetes.io/selected-node"] = "node-1" };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("persistentvolumes", string.Empty, "pv-data", pv)
            .AddItem("persistentvolumeclaims", "shop", "data", pvc));

        var (result, _) = await RunAsync(h, h.Request("b1", "r-pv"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var livePv = h.Server.Store.Get("persistentvolumes", null, "pv-data")!;
        Assert.Null(livePv["spec"]!["claimRef"]!["uid"]);
        Assert.Null(livePv["spec"]!["claimRef"]!["resourceVersion"]);
        Assert.Equal("shop", (string?)livePv["spec"]!["claimRef"]!["namespace"]);
        Assert.Null(livePv["metadata"]!["annotations"]?["pv.kubernetes.io/bound-by-controller"]);
        var livePvc = h.Server.Store.Get("persistentvolumeclaims", "shop", "data")!;
        Assert.Equal("pv-data", (string?)livePvc["spec"]!["volumeName"]);
        Assert.Null(livePvc["metadata"]!["annotations"]?["pv.kubernetes.io/bind-completed"]);
        Assert.Null(livePvc["metadata"]!["annotations"]?["volume.kubernetes.io/selected-node"]);
    }

    [Fact]
    public async Task AReleasedVolumeOfTheSameNameIsWaitedForBeforeTheRestore()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var pv = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = K8s.Meta("pv-old"),
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["persistentVolumeReclaimPolicy"] = "Retain",
                ["hostPath"] = new JsonObject { ["path"] = "/restored" },
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("persistentvolumes", string.Empty, "pv-old", pv));
        var released = (JsonObject)pv.DeepClone();
        ((JsonObject)released["spec"]!)["hostPath"] = new JsonObject { ["path"] = "/stale" };
        var stored = h.Seed(released);
        stored["status"] = new JsonObject { ["phase"] = "Released" };
        h.Server.Store.UpdateStatus(stored);
        _ = Task.Run(async () =>
        {
            await Task.Delay(1500);
            h.Server.Store.Delete("persistentvolumes", null, "pv-old");
        });

        var (result, outcomes) = await RunAsync(h, h.Request("b1", "r-released"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(ItemRestoreAction.Created, Outcome(outcomes, "PersistentVolume", "pv-old").Action);
        Assert.Equal("/restored", (string?)h.Server.Store.Get("persistentvolumes", null, "pv-old")!["spec"]!["hostPath"]!["path"]);
        Assert.Contains(h.Log.Entries, e => e.Message.Contains("released or being deleted; waiting", StringComparison.Ordinal));
    }

    internal static async Task<JsonObject> ResourceListAsync(ExecutionHarness h, string restore)
    {
        var bytes = await Restore.Engine.Storage.ObjectStoreExtensions.ReadAllBytesAsync(h.Location!.Store, h.Location.Layout.RestoreResourceListKey(restore), CancellationToken.None);
        return (JsonObject)GzipJson.Decode(bytes)!;
    }
}
